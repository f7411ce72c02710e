import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { type Api, RequestFailed, wordsOf } from './client';
import { fillTemplate, placeholderCount, shortTime, windowLeft } from './format';
import type { ResultOf } from './graphql';
import { MessageItem, type ThreadMessage } from './Message';
import {
  AssignMutation,
  CloseMutation,
  ConversationQuery,
  DailyUsageQuery,
  MarkReadMutation,
  OlderMessagesQuery,
  ReopenMutation,
  ReplyMutation,
  SendTemplateMutation,
  TemplatesQuery,
} from './operations';
import { TemplateParameterFields } from './TemplateParameters';
import { contactName } from './TicketList';

type Ticket = NonNullable<ResultOf<typeof ConversationQuery>['ticket']>;

/** A fresh idempotency key per request (crypto.randomUUID needs a secure context; this does not). */
function requestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `inbox-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Delivery ticks arrive by subscription (messageDeliveryChanged bumps `version`); the open thread's
 * newest page is also read again this often, only as a safety net for a missed notification.
 */
const SAFETY_READ_MS = 30_000;

export function Conversation(props: {
  api: Api;
  userId: string | null;
  ticketId: string;
  conversationId: string;
  version: number;
  onChanged: (at: string | null) => void;
}) {
  const { api, conversationId } = props;
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [messages, setMessages] = useState<ThreadMessage[]>([]);
  const [older, setOlder] = useState<{ cursor: string | null; more: boolean }>({ cursor: null, more: false });
  const [total, setTotal] = useState<number | null>(null);
  const [missing, setMissing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  /** The service said SESSION_CLOSED although this browser's clock still counted time left. */
  const [closedByService, setClosedByService] = useState(false);
  /** Once older pages are shown, a reload of the newest page keeps their cursor. */
  const olderLoaded = useRef(false);

  const load = useCallback(
    async (at: string | null = null) => {
      try {
        const answer = await api.request(ConversationQuery, {
          ticketId: props.ticketId,
          conversationId,
          before: null,
          at,
        });
        if (!answer.ticket || !answer.conversation) {
          setMissing(true);
          return;
        }
        const thread = answer.conversation.thread;
        setTicket(answer.ticket);
        setTotal(thread.totalCount);
        setMessages((previous) => {
          const newest = new Set(thread.nodes.map((message) => message.id));
          const oldestNew = thread.nodes[0]?.sentAt;
          const kept = previous.filter(
            (message) => !newest.has(message.id) && (!oldestNew || message.sentAt <= oldestNew),
          );
          return [...kept, ...thread.nodes];
        });
        if (!olderLoaded.current)
          setOlder({ cursor: thread.pageInfo.startCursor ?? null, more: thread.pageInfo.hasPreviousPage });
      } catch (problem) {
        setError(wordsOf(problem));
      }
    },
    [api, conversationId, props.ticketId],
  );

  const olderButton = useRef<HTMLButtonElement>(null);
  const loadingOlder = useRef(false);
  const loadOlder = useCallback(async () => {
    if (loadingOlder.current || !older.more) return;
    loadingOlder.current = true;
    try {
      const answer = await api.request(OlderMessagesQuery, { conversationId, before: older.cursor });
      const page = answer.conversation?.thread;
      if (!page) return;
      olderLoaded.current = true;
      setMessages((previous) => {
        const known = new Set(previous.map((message) => message.id));
        return [...page.nodes.filter((message) => !known.has(message.id)), ...previous];
      });
      setOlder({ cursor: page.pageInfo.startCursor ?? null, more: page.pageInfo.hasPreviousPage });
    } catch (problem) {
      setError(wordsOf(problem));
    } finally {
      loadingOlder.current = false;
    }
  }, [api, conversationId, older]);

  // Infinite scroll back: scrolling down to the button loads the page before (the button stays,
  // for the keyboard and for browsers without IntersectionObserver).
  useEffect(() => {
    const button = olderButton.current;
    if (!button || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadOlder();
    });
    observer.observe(button);
    return () => observer.disconnect();
  }, [loadOlder, older.more]);

  // Again on every notification about this conversation (version).
  useEffect(() => {
    void load();
  }, [load, props.version]);

  useEffect(() => {
    const poll = window.setInterval(() => void load(), SAFETY_READ_MS);
    const tick = window.setInterval(() => setNow(Date.now()), 1_000);
    return () => {
      window.clearInterval(poll);
      window.clearInterval(tick);
    };
  }, [load]);

  const after = async (action: () => Promise<string | null>, done: string) => {
    setBusy(true);
    setError(null);
    try {
      const at = await action();
      await load(at);
      props.onChanged(at);
      setStatus(done);
      return true;
    } catch (problem) {
      if (problem instanceof RequestFailed && problem.code === 'SESSION_CLOSED') setClosedByService(true);
      setError(wordsOf(problem));
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (missing)
    return (
      <section class="conversation" aria-label="Conversation">
        <p role="alert">This conversation does not exist.</p>
      </section>
    );
  if (!ticket)
    return (
      <section class="conversation" aria-label="Conversation">
        {error ? (
          <p role="alert" class="error">
            {error}
          </p>
        ) : (
          <p>Loading the conversation…</p>
        )}
      </section>
    );

  const ids = { ticketId: ticket.id, conversationId: ticket.conversationId };
  const assign = (assigneeId: string, done: string) =>
    after(
      async () =>
        (await api.request(AssignMutation, { input: { ...ids, assigneeId, idempotencyKey: requestKey() } }))
          .assignTicket.position ?? null,
      done,
    );
  const left = closedByService ? null : windowLeft(ticket.sessionExpiresAt, now);
  const shown = messages.filter((message) => message.placeholder?.kind !== 'QUARANTINED');
  const newestFirst = [...shown].reverse();

  return (
    <section class="conversation" aria-labelledby="conversation-heading">
      <header class="conversation-head">
        <h2 id="conversation-heading">{contactName(ticket)}</h2>
        <p class="numbers">
          {ticket.contactPhone} wrote to {ticket.businessPhone}
        </p>
        <p class="state">
          <span class="badge">{ticket.status === 'OPEN' ? 'Open' : 'Closed'}</span>{' '}
          <span>{ticket.ownerId ? `Owner: ${ticket.ownerId}` : 'Unassigned'}</span>{' '}
          <span>{ticket.unreadCount > 0 ? `${ticket.unreadCount} unread` : 'All read'}</span>
        </p>
        <div class="actions" role="group" aria-label="Ticket actions">
          {props.userId && ticket.ownerId !== props.userId ? (
            <button type="button" disabled={busy} onClick={() => void assign(props.userId!, 'Assigned to you')}>
              Assign to me
            </button>
          ) : null}
          <AssignTo busy={busy} onAssign={(assigneeId) => assign(assigneeId, `Assigned to ${assigneeId}`)} />
          {ticket.status === 'OPEN' ? (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void after(
                  async () =>
                    (await api.request(CloseMutation, { input: { ...ids, idempotencyKey: requestKey() } })).closeTicket
                      .position ?? null,
                  'Ticket closed',
                )
              }
            >
              Close ticket
            </button>
          ) : (
            <button
              type="button"
              disabled={busy}
              onClick={() =>
                void after(
                  async () =>
                    (await api.request(ReopenMutation, { input: { ...ids, idempotencyKey: requestKey() } }))
                      .reopenTicket.position ?? null,
                  'Ticket reopened',
                )
              }
            >
              Reopen ticket
            </button>
          )}
          <button
            type="button"
            disabled={busy || ticket.unreadCount === 0}
            onClick={() =>
              void after(
                async () =>
                  (await api.request(MarkReadMutation, { input: { conversationId: ticket.conversationId } }))
                    .markConversationRead.position ?? null,
                'Marked read',
              )
            }
          >
            Mark read
          </button>
        </div>
        <p class="visually-hidden" role="status">
          {status}
        </p>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </header>

      {left ? (
        <ReplyBox
          left={left}
          busy={busy}
          onSend={(text, file) =>
            after(async () => {
              const input = { conversationId: ticket.conversationId, idempotencyKey: requestKey() };
              const attachment = file ? { uploadId: await api.upload(file), caption: text || null } : null;
              const answer = await api.request(
                ReplyMutation,
                attachment ? { input: { ...input, attachment } } : { input: { ...input, text } },
              );
              return answer.replyToConversation.position ?? null;
            }, 'Reply sent')
          }
        />
      ) : (
        <TemplatePicker
          api={api}
          ticket={ticket}
          busy={busy}
          onSend={(input) =>
            after(
              async () =>
                (
                  await api.request(SendTemplateMutation, {
                    input: { ...input, conversationId: ticket.conversationId, idempotencyKey: requestKey() },
                  })
                ).sendTemplate.position ?? null,
              'Template sent',
            )
          }
        />
      )}

      <h3 id="thread-heading">
        Messages{' '}
        <span class="total">
          ({total ?? shown.length}
          {total === 1 ? ' message' : ' messages'}, newest first)
        </span>
      </h3>
      <ol class="thread" aria-labelledby="thread-heading">
        {newestFirst.map((message) => (
          <MessageItem key={message.id} api={api} message={message} />
        ))}
      </ol>
      {older.more ? (
        <button type="button" class="more" ref={olderButton} disabled={busy} onClick={() => void loadOlder()}>
          Load older messages
        </button>
      ) : null}
    </section>
  );
}

function AssignTo({ busy, onAssign }: { busy: boolean; onAssign: (userId: string) => Promise<boolean> }) {
  const [userId, setUserId] = useState('');
  return (
    <form
      class="assign"
      onSubmit={(event) => {
        event.preventDefault();
        const value = userId.trim();
        if (value) void onAssign(value).then((done) => done && setUserId(''));
      }}
    >
      <label for="assignee">Assign to user</label>
      <input id="assignee" value={userId} onInput={(event) => setUserId(event.currentTarget.value)} size={12} />
      <button type="submit" disabled={busy || !userId.trim()}>
        Assign
      </button>
    </form>
  );
}

function ReplyBox(props: {
  left: string;
  busy: boolean;
  onSend: (text: string, file: File | null) => Promise<boolean>;
}) {
  const [text, setText] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  return (
    <form
      class="reply"
      aria-labelledby="reply-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (!text.trim() && !file) return;
        void props.onSend(text.trim(), file).then((sent) => {
          if (!sent) return;
          setText('');
          setFile(null);
          if (fileInput.current) fileInput.current.value = '';
        });
      }}
    >
      <h3 id="reply-heading">Reply</h3>
      <p class="window" id="window-left">
        24-hour window: {props.left}
      </p>
      <label for="reply-text">{file ? 'Caption' : 'Message'}</label>
      <textarea
        id="reply-text"
        rows={3}
        value={text}
        aria-describedby="window-left"
        onInput={(event) => setText(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form?.requestSubmit();
        }}
      />
      <label for="reply-file">Attach a file (image, video, audio or document)</label>
      <input
        id="reply-file"
        ref={fileInput}
        type="file"
        onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
      />
      <button type="submit" disabled={props.busy || (!text.trim() && !file)}>
        {file ? 'Send file' : 'Send reply'}
      </button>
    </form>
  );
}

type Templates = ResultOf<typeof TemplatesQuery>;
type DailyUsage = ResultOf<typeof DailyUsageQuery>['dailyUsage'];

function TemplatePicker(props: {
  api: Api;
  ticket: Ticket;
  busy: boolean;
  onSend: (input: {
    name: string;
    language: string;
    bodyParameters: string[];
    headerParameters: string[];
  }) => Promise<boolean>;
}) {
  const [data, setData] = useState<Templates | null>(null);
  const [daily, setDaily] = useState<DailyUsage>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [choice, setChoice] = useState('');
  const [body, setBody] = useState<string[]>([]);
  const [header, setHeader] = useState<string[]>([]);
  const channel = data?.channels.find((candidate) =>
    candidate.phoneNumbers.some((number) => number.phoneNumberId === props.ticket.phoneNumberId),
  );
  useEffect(() => {
    props.api.request(TemplatesQuery, {}).then(setData, (error: unknown) => setProblem(wordsOf(error)));
  }, [props.api]);
  useEffect(() => {
    if (channel && !channel.verified)
      props.api.request(DailyUsageQuery, { accountId: channel.id }).then(
        (answer) => setDaily(answer.dailyUsage),
        () => setDaily(null),
      );
  }, [props.api, channel?.id, channel?.verified]);

  const approved = (data?.templates ?? []).filter(
    (template) => template.status === 'APPROVED' && (!channel || template.accountId === channel.id),
  );
  const template = approved.find((candidate) => `${candidate.name}/${candidate.language}` === choice);
  const bodyCount = placeholderCount(template?.body);
  const headerCount = template?.header?.kind === 'TEXT' ? placeholderCount(template.header.text) : 0;
  const quota = data?.quotaUsage;

  return (
    <form
      class="reply template-picker"
      aria-labelledby="template-heading"
      onSubmit={(event) => {
        event.preventDefault();
        if (!template) return;
        void props
          .onSend({
            name: template.name,
            language: template.language,
            bodyParameters: body.slice(0, bodyCount),
            headerParameters: header.slice(0, headerCount),
          })
          .then((sent) => {
            if (sent) {
              setBody([]);
              setHeader([]);
            }
          });
      }}
    >
      <h3 id="template-heading">Send a template</h3>
      <p class="window">
        {props.ticket.sessionExpiresAt
          ? `The 24-hour window closed ${shortTime(props.ticket.sessionExpiresAt)}: only an approved template can be sent.`
          : 'No 24-hour window is open: only an approved template can be sent.'}
      </p>
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
      <label for="template-choice">Template</label>
      <select id="template-choice" value={choice} onChange={(event) => setChoice(event.currentTarget.value)}>
        <option value="">{data ? (approved.length ? 'Choose a template' : 'No approved template') : 'Loading…'}</option>
        {approved.map((candidate) => (
          <option key={`${candidate.name}/${candidate.language}`} value={`${candidate.name}/${candidate.language}`}>
            {candidate.name} ({candidate.language})
          </option>
        ))}
      </select>
      {template ? (
        <fieldset>
          <legend>Parameters</legend>
          <TemplateParameterFields idPrefix="" part="Header" count={headerCount} values={header} onChange={setHeader} />
          <TemplateParameterFields idPrefix="" part="Body" count={bodyCount} values={body} onChange={setBody} />
          {bodyCount + headerCount === 0 ? <p>This template takes no parameters.</p> : null}
          <p class="preview" aria-label="Preview">
            {template.header?.kind === 'TEXT' && template.header.text ? (
              <strong>{fillTemplate(template.header.text, header)} </strong>
            ) : null}
            {fillTemplate(template.body, body)}
          </p>
        </fieldset>
      ) : null}
      {quota ? (
        <p class="quota">
          Opening a conversation with a template uses 1 of the portal's {quota.limit} conversations this month:{' '}
          {quota.used} used, {quota.remaining} left (resets {shortTime(quota.resetsAt)}).
          {daily && daily.cap != null
            ? ` This unverified account may start ${daily.cap} a day: ${daily.remaining ?? 0} left today.`
            : ''}
        </p>
      ) : null}
      <button type="submit" disabled={props.busy || !template}>
        Send template
      </button>
    </form>
  );
}
