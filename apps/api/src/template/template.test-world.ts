export const REGISTER_TEMPLATE =
  'mutation($input: RegisterTemplateInput!) { registerTemplate(input: $input) { accountId name language position } }';
export const APPROVE_TEMPLATE =
  'mutation($input: ApproveTemplateInput!) { approveTemplate(input: $input) { position } }';
export const REJECT_TEMPLATE = 'mutation($input: RejectTemplateInput!) { rejectTemplate(input: $input) { position } }';
