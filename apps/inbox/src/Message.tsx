import { useEffect, useState } from 'preact/hooks';
import type { Api } from './client';
import { fileSize, fullTime, shortTime } from './format';
import type { ResultOf } from './graphql';
import type { MessageFields } from './operations';

export type ThreadMessage = ResultOf<typeof MessageFields>;
type Content = NonNullable<ThreadMessage['content']>;
type Media = Extract<Content, { __typename: 'MediaContent' }>;

const UNSUPPORTED_WORDS: Readonly<Record<string, string>> = {
  DELETED: 'a deleted message',
  EDITED: 'an edited message',
  REACTION: 'a reaction',
  REACTION_REMOVED: 'a removed reaction',
  SYSTEM: 'a system message',
  UNKNOWN: 'a message of an unknown kind',
  UNSUPPORTED_ATTACHMENT: 'an attachment WhatsApp does not support',
  UNSUPPORTED_TYPE: 'a message type WhatsApp does not support',
};

export function MessageItem({ api, message }: { api: Api; message: ThreadMessage }) {
  const outbound = message.direction === 'OUTBOUND';
  return (
    <li class={`message ${outbound ? 'outbound' : 'inbound'}`}>
      <div class="bubble">
        <span class="visually-hidden">{outbound ? 'Sent: ' : 'Received: '}</span>
        <Body api={api} message={message} />
      </div>
      <div class="message-meta">
        <time dateTime={message.sentAt}>{shortTime(message.sentAt)}</time>
        {outbound ? <Ticks message={message} /> : null}
      </div>
      <details class="message-details">
        <summary>Details</summary>
        <dl>
          <dt>From</dt>
          <dd>{message.from}</dd>
          <dt>To</dt>
          <dd>{message.to}</dd>
          <dt>Sent</dt>
          <dd>{fullTime(message.sentAt)}</dd>
          {message.wamid ? (
            <>
              <dt>WhatsApp id</dt>
              <dd class="mono">{message.wamid}</dd>
            </>
          ) : null}
        </dl>
      </details>
    </li>
  );
}

function Body({ api, message }: { api: Api; message: ThreadMessage }) {
  const { content, placeholder } = message;
  if (placeholder?.kind === 'UNSUPPORTED' || (!content && !placeholder))
    return (
      <p class="placeholder">
        Not shown: {UNSUPPORTED_WORDS[placeholder?.unsupportedKind ?? 'UNKNOWN'] ?? UNSUPPORTED_WORDS.UNKNOWN} (
        {message.type.toLowerCase().replace(/_/g, ' ')}){placeholder?.detail ? `: ${placeholder.detail}` : ''}
      </p>
    );
  if (!content) return null;
  switch (content.__typename) {
    case 'TextContent':
      return <p class="text">{content.body}</p>;
    case 'MediaContent':
      return <MediaBody api={api} media={content} />;
    case 'LocationContent':
      return (
        <p class="location">
          <span class="kind">Location</span> {content.name ? <strong>{content.name}</strong> : null}
          {content.address ? ` ${content.address}` : ''}{' '}
          <a href={`geo:${content.latitude},${content.longitude}`}>
            {content.latitude.toFixed(5)}, {content.longitude.toFixed(5)}
          </a>
        </p>
      );
    case 'ContactsContent':
      return (
        <div class="contacts">
          <span class="kind">Shared {content.contacts.length === 1 ? 'contact' : 'contacts'}</span>
          <ul>
            {content.contacts.map((contact, index) => (
              <li key={index}>
                <strong>{contact.formattedName}</strong>
                {contact.phones.map((phone) => (
                  <span key={phone.phone}>
                    {' '}
                    <a href={`tel:${phone.phone}`}>{phone.phone}</a>
                    {phone.type ? ` (${phone.type.toLowerCase()})` : ''}
                  </span>
                ))}
                {(contact.emails ?? []).map((email) => (
                  <span key={email}> {email}</span>
                ))}
              </li>
            ))}
          </ul>
        </div>
      );
    case 'TemplateMessageContent':
      return (
        <div class="template">
          <span class="kind">
            Template {content.templateName} ({content.language})
          </span>
          {content.renderedHeader ? <p class="template-header">{content.renderedHeader}</p> : null}
          <p class="text">{content.renderedText}</p>
        </div>
      );
    case 'ButtonReplyContent':
      return (
        <p class="text">
          <span class="kind">Button</span> {content.text}
        </p>
      );
    case 'InteractiveReplyContent':
      return (
        <p class="text">
          <span class="kind">Chose</span> {content.title}
          {content.description ? ` (${content.description})` : ''}
        </p>
      );
  }
}

const MEDIA_WORDS: Readonly<Record<Media['kind'], string>> = {
  IMAGE: 'Image',
  VIDEO: 'Video',
  AUDIO: 'Audio',
  VOICE: 'Voice message',
  DOCUMENT: 'Document',
  STICKER: 'Sticker',
};

/** Media kept by the help desk are fetched with the token, then shown from a blob: URL. */
function MediaBody({ api, media }: { api: Api; media: Media }) {
  const [source, setSource] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const label = MEDIA_WORDS[media.kind];
  const stored = media.state === 'STORED' && media.url;
  const inline = media.kind !== 'DOCUMENT';
  useEffect(() => {
    if (!stored || !inline || !media.url) return;
    let url: string | null = null;
    let cancelled = false;
    api.media(media.url).then(
      (blob) => {
        if (cancelled) return;
        url = URL.createObjectURL(blob);
        setSource(url);
      },
      () => setFailed(true),
    );
    return () => {
      cancelled = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [api, media.url, stored, inline]);

  const caption = media.caption ? <p class="caption">{media.caption}</p> : null;
  if (!stored)
    return (
      <div class="media">
        <p class="placeholder">
          {label}
          {media.fileName ? ` ${media.fileName}` : ''}:{' '}
          {media.state === 'FAILED' ? 'could not be downloaded from WhatsApp' : 'being downloaded from WhatsApp…'}
        </p>
        {caption}
      </div>
    );
  if (media.kind === 'DOCUMENT')
    return (
      <div class="media">
        <button
          type="button"
          class="download"
          onClick={() => {
            if (!media.url) return;
            void api.media(media.url).then(
              (blob) => {
                const url = URL.createObjectURL(blob);
                const link = document.createElement('a');
                link.href = url;
                link.download = media.fileName ?? 'document';
                link.click();
                setTimeout(() => URL.revokeObjectURL(url), 10_000);
              },
              () => setFailed(true),
            );
          }}
        >
          Download {media.fileName ?? 'document'} {media.size ? `(${fileSize(media.size)})` : ''}
        </button>
        {failed ? <p class="error">The file could not be loaded</p> : null}
        {caption}
      </div>
    );
  if (failed) return <p class="error">{label}: the file could not be loaded</p>;
  if (!source) return <p class="placeholder">{label}: loading…</p>;
  const alt = media.caption ?? (media.kind === 'STICKER' ? 'Sticker' : 'Image from the contact');
  return (
    <div class="media">
      {media.kind === 'IMAGE' || media.kind === 'STICKER' ? (
        <img src={source} alt={alt} class={media.kind === 'STICKER' ? 'sticker' : 'picture'} />
      ) : media.kind === 'VIDEO' ? (
        <>
          <span class="kind">{label}</span>
          <video src={source} controls aria-label={label} />
        </>
      ) : (
        <>
          <span class="kind">{label}</span>
          <audio src={source} controls aria-label={label} />
        </>
      )}
      {caption}
    </div>
  );
}

function Ticks({ message }: { message: ThreadMessage }) {
  const { delivery, dispatch } = message;
  if (delivery?.status === 'FAILED' || delivery?.error) {
    const error = delivery.error;
    return (
      <span class="ticks failed" role="note">
        Not delivered
        {error ? `: ${error.title}${error.message && error.message !== error.title ? `. ${error.message}` : ''}` : ''}
        {error?.details ? ` (${error.details})` : ''}
        {error ? ` [Meta error ${error.code}]` : ''}
      </span>
    );
  }
  switch (delivery?.status) {
    case 'READ':
    case 'PLAYED':
      return (
        <span class="ticks read">
          <span aria-hidden="true">✓✓</span> {delivery.status === 'PLAYED' ? 'Played' : 'Read'}{' '}
          {shortTime(delivery.playedAt ?? delivery.readAt)}
        </span>
      );
    case 'DELIVERED':
      return (
        <span class="ticks">
          <span aria-hidden="true">✓✓</span> Delivered {shortTime(delivery.deliveredAt)}
        </span>
      );
    case 'SENT':
      return (
        <span class="ticks">
          <span aria-hidden="true">✓</span> Sent
        </span>
      );
  }
  switch (dispatch?.state) {
    case 'FAILED':
      return (
        <span class="ticks failed" role="note">
          Not sent{dispatch.lastFailure ? `: ${dispatch.lastFailure.title}` : ''}
        </span>
      );
    case 'UNKNOWN':
      return <span class="ticks failed">Delivery unknown</span>;
    case 'RETRY_SCHEDULED':
      return <span class="ticks">Retrying {shortTime(dispatch.retryAt)}</span>;
    case 'SENT':
      return (
        <span class="ticks">
          <span aria-hidden="true">✓</span> Sent
        </span>
      );
    default:
      return <span class="ticks pending">Sending…</span>;
  }
}
