import { graphql } from './graphql';

/** Every operation the inbox sends: the public API only. */

export const ViewsQuery = graphql(`
  query Views($at: String) {
    views(atLeastPosition: $at) {
      id
      name
      isDefault
      creatorId
      sharing
      ticketCount
    }
  }
`);

export const TicketRowFields = graphql(`
  fragment TicketRow on Ticket {
    id
    conversationId
    contactPhone
    contactProfileName
    contact {
      id
      name
    }
    businessPhone
    phoneNumberId
    preview
    unreadCount
    status
    ownerId
    updatedAt
    createdAt
    sessionExpiresAt
    lastInboundAt
  }
`);

export const TicketsQuery = graphql(
  `
    query Tickets($viewId: ID, $search: String, $filter: TicketFilterInput, $first: Int, $after: String, $at: String) {
      tickets(viewId: $viewId, search: $search, filter: $filter, first: $first, after: $after, atLeastPosition: $at) {
        totalCount
        totalCountCapped
        pageInfo {
          endCursor
          hasNextPage
        }
        nodes {
          ...TicketRow
        }
      }
    }
  `,
  [TicketRowFields],
);

export const MessageFields = graphql(`
  fragment Message on ThreadMessage {
    id
    ticketId
    direction
    type
    from
    to
    sentAt
    wamid
    placeholder {
      kind
      unsupportedKind
      detail
    }
    content {
      __typename
      ... on TextContent {
        body
      }
      ... on MediaContent {
        kind
        caption
        fileName
        mimeType
        state
        url
        size
        animated
      }
      ... on LocationContent {
        latitude
        longitude
        name
        address
      }
      ... on ContactsContent {
        contacts {
          formattedName
          emails
          phones {
            phone
            type
          }
        }
      }
      ... on TemplateMessageContent {
        templateName
        language
        renderedHeader
        renderedText
      }
      ... on ButtonReplyContent {
        text
        payload
      }
      ... on InteractiveReplyContent {
        title
        description
      }
    }
    delivery {
      status
      sentAt
      deliveredAt
      readAt
      playedAt
      failedAt
      error {
        code
        title
        message
        details
      }
    }
    dispatch {
      state
      attempts
      retryAt
      lastFailure {
        title
        message
        code
      }
    }
  }
`);

export const ConversationQuery = graphql(
  `
    query Conversation($ticketId: ID!, $conversationId: ID!, $before: String, $at: String) {
      ticket(id: $ticketId, atLeastPosition: $at) {
        ...TicketRow
      }
      conversation(id: $conversationId, atLeastPosition: $at) {
        id
        thread(last: 20, before: $before) {
          totalCount
          totalCountCapped
          pageInfo {
            startCursor
            hasPreviousPage
          }
          nodes {
            ...Message
          }
        }
      }
    }
  `,
  [TicketRowFields, MessageFields],
);

export const OlderMessagesQuery = graphql(
  `
    query OlderMessages($conversationId: ID!, $before: String) {
      conversation(id: $conversationId) {
        id
        thread(last: 20, before: $before) {
          pageInfo {
            startCursor
            hasPreviousPage
          }
          nodes {
            ...Message
          }
        }
      }
    }
  `,
  [MessageFields],
);

export const TemplatesQuery = graphql(`
  query Templates {
    channels {
      id
      name
      verified
      phoneNumbers {
        phoneNumberId
        displayNumber
      }
    }
    templates {
      accountId
      name
      language
      status
      category
      body
      header {
        kind
        text
      }
    }
    quotaUsage {
      used
      limit
      remaining
      resetsAt
    }
  }
`);

export const DailyUsageQuery = graphql(`
  query DailyUsage($accountId: ID!) {
    dailyUsage(accountId: $accountId) {
      accountId
      day
      cap
      remaining
      businessInitiated
    }
  }
`);

export const ReplyMutation = graphql(`
  mutation Reply($input: ReplyToConversationInput!) {
    replyToConversation(input: $input) {
      messageId
      position
    }
  }
`);

export const SendTemplateMutation = graphql(`
  mutation SendTemplate($input: SendTemplateInput!) {
    sendTemplate(input: $input) {
      messageId
      position
    }
  }
`);

export const AssignMutation = graphql(`
  mutation Assign($input: AssignTicketInput!) {
    assignTicket(input: $input) {
      position
    }
  }
`);

export const CloseMutation = graphql(`
  mutation Close($input: CloseTicketInput!) {
    closeTicket(input: $input) {
      position
    }
  }
`);

export const ReopenMutation = graphql(`
  mutation Reopen($input: ReopenTicketInput!) {
    reopenTicket(input: $input) {
      position
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkRead($input: MarkConversationReadInput!) {
    markConversationRead(input: $input) {
      position
    }
  }
`);

export const TicketChangedSubscription = graphql(`
  subscription TicketChanged($afterPosition: String) {
    ticketChanged(afterPosition: $afterPosition) {
      ticketId
      conversationId
      change
      status
      unreadCount
      position
    }
  }
`);

export const MessageReceivedSubscription = graphql(`
  subscription MessageReceived($afterPosition: String) {
    messageReceived(afterPosition: $afterPosition) {
      conversationId
      ticketId
      messageId
      preview
      position
    }
  }
`);

export const MessageDeliveryChangedSubscription = graphql(`
  subscription MessageDeliveryChanged($afterPosition: String) {
    messageDeliveryChanged(afterPosition: $afterPosition) {
      conversationId
      messageId
      position
    }
  }
`);

export const UsageQuery = graphql(`
  query Usage($at: String) {
    quotaUsage(atLeastPosition: $at) {
      used
      limit
      remaining
      resetsAt
    }
    channels {
      id
      name
      verified
      status
    }
  }
`);

export const CreateViewMutation = graphql(`
  mutation CreateView($input: CreateViewInput!) {
    createView(input: $input) {
      viewId
      position
    }
  }
`);

export const ChangeViewMutation = graphql(`
  mutation ChangeView($input: ChangeViewInput!) {
    changeView(input: $input) {
      viewId
      position
    }
  }
`);

export const DeleteViewMutation = graphql(`
  mutation DeleteView($input: DeleteViewInput!) {
    deleteView(input: $input) {
      viewId
      position
    }
  }
`);

export const StartChoicesQuery = graphql(`
  query StartChoices {
    contacts(first: 100) {
      nodes {
        id
        name
        phoneNumber
        mobilePhoneNumber
      }
    }
    channels {
      id
      name
      status
      phoneNumbers {
        phoneNumberId
        displayNumber
      }
    }
    templates {
      accountId
      name
      language
      status
      body
      header {
        kind
        text
      }
    }
  }
`);

export const StartConversationMutation = graphql(`
  mutation StartConversation($input: StartConversationInput!) {
    startConversation(input: $input) {
      conversationId
      ticketId
      position
    }
  }
`);
