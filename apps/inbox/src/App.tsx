import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, Live, type LiveState, RequestFailed } from './client';
import { Conversation } from './Conversation';
import { claimsOf } from './format';
import {
  MessageDeliveryChangedSubscription,
  MessageReceivedSubscription,
  TicketChangedSubscription,
  TicketsQuery,
  ViewsQuery,
} from './operations';
import type { ResultOf } from './graphql';
import { ManageView, NewView, UsagePanel, useNotifications } from './Sidebar';
import { SignIn } from './SignIn';
import { StartConversation } from './StartConversation';
import { type ListFilters, NO_FILTERS, TicketList, ticketFilter } from './TicketList';

const TOKEN_KEY = 'helpdesk.inbox.token';

/** The token of this tab (sessionStorage: gone when the tab closes), or one given as `#token=`. */
function initialToken(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fragment) {
    sessionStorage.setItem(TOKEN_KEY, fragment);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const EXPIRED = 'Your sign-in has expired: sign in again';

function expired(token: string): boolean {
  const expiresAt = claimsOf(token)?.expiresAt;
  return expiresAt != null && expiresAt <= Date.now();
}

export function App() {
  const [token, setToken] = useState<string | null>(() => {
    const stored = initialToken();
    return stored && !expired(stored) ? stored : null;
  });
  const [notice, setNotice] = useState<string | null>(() => {
    const stored = sessionStorage.getItem(TOKEN_KEY);
    if (stored && expired(stored)) {
      sessionStorage.removeItem(TOKEN_KEY);
      return EXPIRED;
    }
    return null;
  });
  // A `#token=` link opened in a tab that shows the inbox already: no reload happens, so listen.
  useEffect(() => {
    const onHash = () => {
      const given = initialToken();
      if (!given) return;
      if (expired(given)) {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(null);
        setNotice(EXPIRED);
      } else {
        setNotice(null);
        setToken(given);
      }
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const signOut = useCallback((why: string | null = null) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setToken(null);
    setNotice(why);
  }, []);
  if (!token)
    return (
      <SignIn
        notice={notice}
        onSignIn={(value) => {
          if (expired(value)) {
            setNotice(EXPIRED);
            return;
          }
          sessionStorage.setItem(TOKEN_KEY, value);
          setNotice(null);
          setToken(value);
        }}
      />
    );
  return <Desk key={token} token={token} onSignOut={signOut} />;
}

type View = ResultOf<typeof ViewsQuery>['views'][number];
type TicketPage = ResultOf<typeof TicketsQuery>['tickets'];
export type TicketRow = TicketPage['nodes'][number];

const PAGE_SIZE = 25;

function Desk({ token, onSignOut }: { token: string; onSignOut: (why?: string | null) => void }) {
  const claims = useMemo(() => claimsOf(token), [token]);
  const api = useMemo(
    () => new Api(token, () => onSignOut('Your sign-in is not valid or has expired: sign in again')),
    [token, onSignOut],
  );
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  // An expired token: back to the sign-in, saying why (timers cannot wait more than about 24 days).
  useEffect(() => {
    if (!claims?.expiresAt) return;
    const left = claims.expiresAt - Date.now();
    if (left <= 0) {
      onSignOut(EXPIRED);
      return;
    }
    if (left > 2 ** 31 - 1) return;
    const timer = window.setTimeout(() => onSignOut(EXPIRED), left);
    return () => window.clearTimeout(timer);
  }, [claims, onSignOut]);
  const [views, setViews] = useState<View[]>([]);
  const [viewId, setViewId] = useState('all-open');
  const [search, setSearch] = useState('');
  const [filters, setFilters] = useState<ListFilters>(NO_FILTERS);
  const [page, setPage] = useState<TicketPage | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [selected, setSelected] = useState<{ ticketId: string; conversationId: string } | null>(null);
  const [threadVersion, setThreadVersion] = useState(0);
  const [starting, setStarting] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [usageVersion, setUsageVersion] = useState(0);
  const notifications = useNotifications();
  const notify = useRef(notifications.notify);
  notify.current = notifications.notify;
  const listRequest = useRef(0);

  const loadViews = useCallback(
    async (at?: string | null) => {
      try {
        setViews((await api.request(ViewsQuery, { at: at ?? null })).views);
      } catch (error) {
        setListError(error instanceof RequestFailed ? error.message : String(error));
      }
    },
    [api],
  );

  const searchTerm = search.trim().length >= 3 ? search.trim() : null;
  const loadTickets = useCallback(
    async (options: { at?: string | null; append?: boolean } = {}) => {
      const request = ++listRequest.current;
      try {
        const after = options.append ? (page?.pageInfo.endCursor ?? null) : null;
        // A refresh keeps as many rows as were shown (up to 100), so paging on is not undone.
        const first = options.append ? PAGE_SIZE : Math.min(100, Math.max(PAGE_SIZE, page?.nodes.length ?? 0));
        const { tickets } = await api.request(TicketsQuery, {
          viewId,
          search: searchTerm,
          filter: ticketFilter(filters, claims?.userId ?? null, Date.now()),
          first,
          after,
          at: options.at ?? null,
        });
        if (request !== listRequest.current) return;
        setListError(null);
        setPage((previous) =>
          options.append && previous ? { ...tickets, nodes: [...previous.nodes, ...tickets.nodes] } : tickets,
        );
      } catch (error) {
        if (request === listRequest.current)
          setListError(error instanceof RequestFailed ? error.message : String(error));
      }
    },
    [api, viewId, searchTerm, filters, claims, page],
  );

  // Reloads asked for by notifications, at most one every 200 ms.
  const pending = useRef<{ timer: number | null; at: string | null }>({ timer: null, at: null });
  const reload = useRef<(at: string | null) => void>(() => undefined);
  reload.current = (at) => {
    void loadViews(at);
    void loadTickets({ at });
    setUsageVersion((version) => version + 1);
  };
  const scheduleReload = useCallback((at: string | null) => {
    pending.current.at = at;
    if (pending.current.timer !== null) return;
    pending.current.timer = window.setTimeout(() => {
      pending.current.timer = null;
      reload.current(pending.current.at);
    }, 200);
  }, []);

  useEffect(() => {
    void loadViews();
  }, [loadViews]);
  // Answers arriving after sign-out must not sign out again with another reason.
  useEffect(() => () => api.dispose(), [api]);
  useEffect(() => {
    setPage(null);
    void loadTickets();
    // A new view, search or filter starts a new list (loadTickets itself changes with every page).
  }, [viewId, searchTerm, filters]);

  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  useEffect(() => {
    // (Re)connected: read everything again once, for what happened before the subscriptions began.
    const live = new Live(api, token, (state) => {
      setLiveState(state);
      if (state === 'live') scheduleReload(null);
    });
    live.follow(
      TicketChangedSubscription,
      (result) => result.ticketChanged.position,
      (result) => {
        scheduleReload(result.ticketChanged.position);
        if (selectedRef.current?.conversationId === result.ticketChanged.conversationId)
          setThreadVersion((version) => version + 1);
      },
      () => scheduleReload(null),
    );
    live.follow(
      MessageReceivedSubscription,
      (result) => result.messageReceived.position,
      (result) => {
        const message = result.messageReceived;
        setAnnouncement(`New message${message.preview ? `: ${message.preview}` : ''}`);
        notify.current('New WhatsApp message', message.preview ?? 'Open the inbox to read it');
        scheduleReload(message.position);
        if (selectedRef.current?.conversationId === message.conversationId) setThreadVersion((version) => version + 1);
      },
      () => scheduleReload(null),
    );
    // Meta's sent, delivered, read and failed statuses (and sending retries): the open thread's ticks.
    live.follow(
      MessageDeliveryChangedSubscription,
      (result) => result.messageDeliveryChanged.position,
      (result) => {
        if (selectedRef.current?.conversationId === result.messageDeliveryChanged.conversationId)
          setThreadVersion((version) => version + 1);
      },
      () => setThreadVersion((version) => version + 1),
    );
    return () => live.close();
  }, [api, token, scheduleReload]);

  const currentView = views.find((view) => view.id === viewId);
  const selectedTicket = page?.nodes.find((ticket) => ticket.id === selected?.ticketId) ?? null;

  return (
    <div class="desk">
      <header class="topbar">
        <h1>Help desk inbox</h1>
        <p class="who">
          {claims ? (
            <>
              Signed in as <strong>{claims.userId}</strong> in portal <strong>{claims.portalId}</strong>
            </>
          ) : (
            'Signed in'
          )}
        </p>
        <label class="notify">
          <input
            type="checkbox"
            checked={notifications.enabled}
            onChange={(event) => notifications.toggle(event.currentTarget.checked)}
          />{' '}
          Notify me of new messages
        </label>
        {notifications.problem ? (
          <p class="error" role="alert">
            {notifications.problem}
          </p>
        ) : null}
        <p class={`live live-${liveState}`} role="status">
          {liveState === 'live' ? 'Live' : liveState === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
        </p>
        <button type="button" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      <nav class="views" aria-label="Views">
        <h2 id="views-heading">Views</h2>
        <ul aria-labelledby="views-heading">
          {views.map((view) => (
            <li key={view.id}>
              <button
                type="button"
                aria-current={view.id === viewId ? 'page' : undefined}
                onClick={() => {
                  setViewId(view.id);
                  setSelected(null);
                }}
              >
                <span class="view-name">{view.name}</span>{' '}
                <span class="count" aria-label={`${view.ticketCount} tickets`}>
                  {view.ticketCount}
                </span>
              </button>
            </li>
          ))}
        </ul>
        {currentView && !currentView.isDefault && claims && currentView.creatorId === claims.userId ? (
          <ManageView
            key={currentView.id}
            api={api}
            view={currentView}
            onChanged={(at) => void loadViews(at)}
            onDeleted={(at) => {
              void loadViews(at);
              setViewId('all-open');
              setSelected(null);
            }}
          />
        ) : null}
        <NewView
          api={api}
          onCreated={(id, at) => {
            void loadViews(at);
            setViewId(id);
            setSelected(null);
          }}
        />
        <UsagePanel api={api} version={usageVersion} />
      </nav>
      <main class="work">
        <TicketList
          title={currentView?.name ?? 'Tickets'}
          page={page}
          error={listError}
          search={search}
          onSearch={setSearch}
          filters={filters}
          onFilters={setFilters}
          selectedId={selected?.ticketId ?? null}
          onStart={() => {
            setStarting(true);
            setSelected(null);
          }}
          onOpen={(ticket) => {
            setStarting(false);
            setSelected({ ticketId: ticket.id, conversationId: ticket.conversationId });
            setThreadVersion((version) => version + 1);
          }}
          onMore={() => void loadTickets({ append: true })}
        />
        {starting ? (
          <section class="conversation" aria-label="New conversation">
            <StartConversation
              api={api}
              onCancel={() => setStarting(false)}
              onStarted={(ids, at) => {
                setStarting(false);
                setSelected(ids);
                setThreadVersion((version) => version + 1);
                scheduleReload(at);
              }}
            />
          </section>
        ) : selected ? (
          <Conversation
            key={selected.conversationId}
            api={api}
            userId={claims?.userId ?? null}
            ticketId={selectedTicket?.id ?? selected.ticketId}
            conversationId={selected.conversationId}
            version={threadVersion}
            onChanged={(at) => scheduleReload(at)}
          />
        ) : (
          <section class="conversation empty" aria-label="Conversation">
            <p>Choose a ticket to read its conversation.</p>
          </section>
        )}
      </main>
      <div class="visually-hidden" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}
