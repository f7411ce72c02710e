import { Module } from '@nestjs/common';
import { ApproveTemplateHandler } from './approve-template.handler.js';
import { RegisterTemplateHandler } from './register-template.handler.js';
import { RejectTemplateHandler } from './reject-template.handler.js';

/** WhatsApp message templates and Meta's verdicts on them. The event store comes from the global StoresModule. */
@Module({
  providers: [RegisterTemplateHandler, ApproveTemplateHandler, RejectTemplateHandler],
})
export class TemplateModule {}
