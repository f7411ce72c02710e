import { useEffect, useState } from 'preact/hooks';
import { TemplateParameterFields } from './TemplateParameters';
import { type Api, wordsOf } from './client';
import { fillTemplate, placeholderCount } from './format';
import type { ResultOf } from './graphql';
import { StartChoicesQuery, StartConversationMutation } from './operations';

type Choices = ResultOf<typeof StartChoicesQuery>;

function requestKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `inbox-start-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/** A new conversation with a contact (or a number), from one of the portal's numbers, by an approved template. */
export function StartConversation(props: {
  api: Api;
  onStarted: (ids: { ticketId: string; conversationId: string }, at: string | null) => void;
  onCancel: () => void;
}) {
  const [choices, setChoices] = useState<Choices | null>(null);
  const [contactId, setContactId] = useState('');
  const [phone, setPhone] = useState('');
  const [from, setFrom] = useState('');
  const [choice, setChoice] = useState('');
  const [body, setBody] = useState<string[]>([]);
  const [header, setHeader] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    props.api.request(StartChoicesQuery, {}).then(setChoices, (error: unknown) => setProblem(wordsOf(error)));
  }, [props.api]);

  const numbers = (choices?.channels ?? [])
    .filter((channel) => channel.status === 'CONNECTED')
    .flatMap((channel) =>
      channel.phoneNumbers.map((number) => ({ ...number, accountId: channel.id, channel: channel.name })),
    );
  const number = numbers.find((candidate) => candidate.phoneNumberId === from);
  const templates = (choices?.templates ?? []).filter(
    (template) => template.status === 'APPROVED' && template.accountId === number?.accountId,
  );
  const template = templates.find((candidate) => `${candidate.name}/${candidate.language}` === choice);
  const bodyCount = placeholderCount(template?.body);
  const headerCount = template?.header?.kind === 'TEXT' ? placeholderCount(template.header.text) : 0;

  return (
    <form
      class="reply start"
      aria-labelledby="start-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        if (!template || !number) return;
        setBusy(true);
        setProblem(null);
        try {
          const answer = await props.api.request(StartConversationMutation, {
            input: {
              ...(contactId ? { contactId } : { phone: phone.trim() }),
              fromPhoneNumberId: number.phoneNumberId,
              name: template.name,
              language: template.language,
              bodyParameters: body.slice(0, bodyCount),
              headerParameters: header.slice(0, headerCount),
              idempotencyKey: requestKey(),
            },
          });
          const started = answer.startConversation;
          props.onStarted(
            { ticketId: started.ticketId, conversationId: started.conversationId },
            started.position ?? null,
          );
        } catch (error) {
          setProblem(wordsOf(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h2 id="start-heading">New conversation</h2>
      <label for="start-contact">Contact</label>
      <select id="start-contact" value={contactId} onChange={(event) => setContactId(event.currentTarget.value)}>
        <option value="">{choices ? 'A number instead (below)' : 'Loading…'}</option>
        {(choices?.contacts.nodes ?? []).map((contact) => (
          <option key={contact.id} value={contact.id}>
            {contact.name} ({contact.mobilePhoneNumber ?? contact.phoneNumber ?? 'no number'})
          </option>
        ))}
      </select>
      {contactId ? null : (
        <>
          <label for="start-phone">WhatsApp number, with its country code</label>
          <input
            id="start-phone"
            type="tel"
            value={phone}
            placeholder="+33 6 12 34 56 78"
            onInput={(event) => setPhone(event.currentTarget.value)}
          />
        </>
      )}
      <label for="start-from">From number</label>
      <select id="start-from" value={from} onChange={(event) => setFrom(event.currentTarget.value)}>
        <option value="">Choose a number</option>
        {numbers.map((candidate) => (
          <option key={candidate.phoneNumberId} value={candidate.phoneNumberId}>
            {candidate.displayNumber} ({candidate.channel})
          </option>
        ))}
      </select>
      <label for="start-template">Template</label>
      <select id="start-template" value={choice} onChange={(event) => setChoice(event.currentTarget.value)}>
        <option value="">
          {number ? (templates.length ? 'Choose a template' : 'No approved template') : 'Choose the From number first'}
        </option>
        {templates.map((candidate) => (
          <option key={`${candidate.name}/${candidate.language}`} value={`${candidate.name}/${candidate.language}`}>
            {candidate.name} ({candidate.language})
          </option>
        ))}
      </select>
      <TemplateParameterFields
        idPrefix="start-"
        part="Header"
        count={headerCount}
        values={header}
        onChange={setHeader}
      />
      <TemplateParameterFields idPrefix="start-" part="Body" count={bodyCount} values={body} onChange={setBody} />
      {template ? <p class="preview">{fillTemplate(template.body, body)}</p> : null}
      <p class="quota">
        A new conversation counts against the portal's monthly limit (and an unverified account's daily cap).
      </p>
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
      <p class="buttons">
        <button type="submit" disabled={busy || !template || (!contactId && !phone.trim())}>
          Start conversation
        </button>{' '}
        <button type="button" class="more" onClick={props.onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
