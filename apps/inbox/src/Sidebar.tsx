import { useEffect, useState } from 'preact/hooks';
import { type Api, wordsOf } from './client';
import { shortTime } from './format';
import type { ResultOf } from './graphql';
import { ChangeViewMutation, CreateViewMutation, DailyUsageQuery, DeleteViewMutation, UsageQuery } from './operations';

type Usage = ResultOf<typeof UsageQuery>;
type Daily = NonNullable<ResultOf<typeof DailyUsageQuery>['dailyUsage']> & { name: string };

/** The month's conversations against the portal's limit, and each unverified account's daily cap. */
export function UsagePanel({ api, version }: { api: Api; version: number }) {
  const [usage, setUsage] = useState<Usage | null>(null);
  const [daily, setDaily] = useState<Daily[]>([]);
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const answer = await api.request(UsageQuery, { at: null });
        const capped = await Promise.all(
          answer.channels
            .filter((channel) => !channel.verified && channel.status === 'CONNECTED')
            .map(async (channel) => {
              const day = (await api.request(DailyUsageQuery, { accountId: channel.id })).dailyUsage;
              return day && day.cap != null ? { ...day, name: channel.name } : null;
            }),
        );
        if (cancelled) return;
        setUsage(answer);
        setDaily(capped.filter((day): day is Daily => day !== null));
      } catch {
        // The panel is a courtesy: the views and tickets say what went wrong.
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api, version]);
  if (!usage?.quotaUsage) return null;
  const quota = usage.quotaUsage;
  return (
    <section class="usage" aria-labelledby="usage-heading">
      <h2 id="usage-heading">Usage</h2>
      <p>
        {quota.used} of {quota.limit} conversations this month ({quota.remaining} left, resets{' '}
        {shortTime(quota.resetsAt)})
      </p>
      {daily.map((day) => (
        <p key={day.accountId}>
          {day.name} (unverified): {day.businessInitiated} of {day.cap} business-initiated conversations today
        </p>
      ))}
    </section>
  );
}

const CHANNEL_TYPES = ['whatsapp', 'email', 'chat', 'facebook_messenger', 'form', 'calling'] as const;

/** A custom view: a name, who sees it, and filters (source channel type, status). */
export function NewView({ api, onCreated }: { api: Api; onCreated: (viewId: string, at: string | null) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [sharing, setSharing] = useState<'ONLY_ME' | 'MY_TEAM' | 'EVERYONE'>('ONLY_ME');
  const [channel, setChannel] = useState('');
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!open)
    return (
      <button type="button" class="more" aria-expanded="false" onClick={() => setOpen(true)}>
        New view
      </button>
    );
  return (
    <form
      class="new-view"
      aria-labelledby="new-view-heading"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        setProblem(null);
        const filters: { field: 'SOURCE_CHANNEL_TYPE' | 'STATUS'; values: string[] }[] = [];
        if (channel) filters.push({ field: 'SOURCE_CHANNEL_TYPE', values: [channel] });
        if (status) filters.push({ field: 'STATUS', values: [status] });
        try {
          const answer = await api.request(CreateViewMutation, { input: { name: name.trim(), sharing, filters } });
          setOpen(false);
          setName('');
          onCreated(answer.createView.viewId, answer.createView.position ?? null);
        } catch (error) {
          setProblem(wordsOf(error));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h3 id="new-view-heading">New view</h3>
      <label for="view-name">Name</label>
      <input id="view-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="view-sharing">Shared with</label>
      <select id="view-sharing" value={sharing} onChange={(e) => setSharing(e.currentTarget.value as typeof sharing)}>
        <option value="ONLY_ME">Only me</option>
        <option value="MY_TEAM">My team</option>
        <option value="EVERYONE">Everyone</option>
      </select>
      <label for="view-channel">Source channel</label>
      <select id="view-channel" value={channel} onChange={(e) => setChannel(e.currentTarget.value)}>
        <option value="">Any channel</option>
        {CHANNEL_TYPES.map((type) => (
          <option key={type} value={type}>
            {type.replace(/_/g, ' ')}
          </option>
        ))}
      </select>
      <label for="view-status">Status</label>
      <select id="view-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
        <option value="">Open or closed</option>
        <option value="open">Open</option>
        <option value="closed">Closed</option>
      </select>
      {problem ? (
        <p class="error" role="alert">
          {problem}
        </p>
      ) : null}
      <p class="buttons">
        <button type="submit" disabled={busy || !name.trim()}>
          Create view
        </button>{' '}
        <button type="button" class="more" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </p>
    </form>
  );
}

type Sharing = 'ONLY_ME' | 'MY_TEAM' | 'EVERYONE';

/**
 * The agent's own custom view: rename it, share it differently, or delete it (after a second
 * click that names it). Its filters stay as they are: the form cannot show every kind of filter,
 * and changeView replaces all of them when given any.
 */
export function ManageView({
  api,
  view,
  onChanged,
  onDeleted,
}: {
  api: Api;
  view: { id: string; name: string; sharing: Sharing };
  onChanged: (at: string | null) => void;
  onDeleted: (at: string | null) => void;
}) {
  const [mode, setMode] = useState<'closed' | 'edit' | 'delete'>('closed');
  const [name, setName] = useState(view.name);
  const [sharing, setSharing] = useState<Sharing>(view.sharing);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(null);
    try {
      await action();
      setMode('closed');
    } catch (error) {
      setProblem(wordsOf(error));
    } finally {
      setBusy(false);
    }
  };
  const alert = problem ? (
    <p class="error" role="alert">
      {problem}
    </p>
  ) : null;
  if (mode === 'closed')
    return (
      <p class="buttons manage-view">
        <button
          type="button"
          class="more"
          onClick={() => {
            setName(view.name);
            setSharing(view.sharing);
            setMode('edit');
          }}
        >
          Edit view
        </button>{' '}
        <button type="button" class="more" onClick={() => setMode('delete')}>
          Delete view
        </button>
      </p>
    );
  if (mode === 'delete')
    return (
      <div class="new-view" role="group" aria-label={`Delete the view ${view.name}`}>
        <p>Delete the view “{view.name}”? Its tickets stay; only the view goes.</p>
        {alert}
        <p class="buttons">
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const answer = await api.request(DeleteViewMutation, { input: { viewId: view.id } });
                onDeleted(answer.deleteView.position ?? null);
              })
            }
          >
            Delete “{view.name}”
          </button>{' '}
          <button type="button" class="more" onClick={() => setMode('closed')}>
            Keep it
          </button>
        </p>
      </div>
    );
  return (
    <form
      class="new-view"
      aria-labelledby="edit-view-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void run(async () => {
          const answer = await api.request(ChangeViewMutation, {
            input: { viewId: view.id, name: name.trim(), sharing },
          });
          onChanged(answer.changeView.position ?? null);
        });
      }}
    >
      <h3 id="edit-view-heading">Edit view</h3>
      <label for="edit-view-name">Name</label>
      <input
        id="edit-view-name"
        required
        maxLength={100}
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <label for="edit-view-sharing">Shared with</label>
      <select id="edit-view-sharing" value={sharing} onChange={(e) => setSharing(e.currentTarget.value as Sharing)}>
        <option value="ONLY_ME">Only me</option>
        <option value="MY_TEAM">My team</option>
        <option value="EVERYONE">Everyone</option>
      </select>
      {alert}
      <p class="buttons">
        <button type="submit" disabled={busy || !name.trim()}>
          Save view
        </button>{' '}
        <button type="button" class="more" onClick={() => setMode('closed')}>
          Cancel
        </button>
      </p>
    </form>
  );
}

const NOTIFY_KEY = 'helpdesk.inbox.notify';

/** Browser notifications of new messages: off until the agent turns them on, remembered per browser. */
export function useNotifications(): {
  enabled: boolean;
  problem: string | null;
  toggle: (on: boolean) => void;
  notify: (title: string, body: string) => void;
} {
  const supported = typeof Notification !== 'undefined';
  const [enabled, setEnabled] = useState(
    () => supported && localStorage.getItem(NOTIFY_KEY) === 'on' && Notification.permission === 'granted',
  );
  const [problem, setProblem] = useState<string | null>(null);
  return {
    enabled,
    problem,
    toggle: (on) => {
      setProblem(null);
      if (!on) {
        localStorage.setItem(NOTIFY_KEY, 'off');
        setEnabled(false);
        return;
      }
      if (!supported) {
        setProblem('This browser cannot show notifications');
        return;
      }
      void Notification.requestPermission().then((permission) => {
        if (permission === 'granted') {
          localStorage.setItem(NOTIFY_KEY, 'on');
          setEnabled(true);
        } else setProblem('The browser does not allow notifications for this page: allow them in its settings');
      });
    },
    notify: (title, body) => {
      if (!enabled || !supported || Notification.permission !== 'granted') return;
      try {
        new Notification(title, { body });
      } catch {
        // Some browsers only notify from a service worker: the list and the live region still say it.
      }
    },
  };
}
