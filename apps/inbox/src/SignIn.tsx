import { useState } from 'preact/hooks';
import { claimsOf } from './format';

export function SignIn({ notice, onSignIn }: { notice: string | null; onSignIn: (token: string) => void }) {
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <main class="sign-in">
      <h1>Help desk inbox</h1>
      <form
        aria-labelledby="sign-in-heading"
        onSubmit={(event) => {
          event.preventDefault();
          const token = value.trim().replace(/^Bearer\s+/i, '');
          if (!claimsOf(token)) {
            setProblem('This is not an access token: paste the whole token (three parts separated by dots)');
            return;
          }
          onSignIn(token);
        }}
      >
        <h2 id="sign-in-heading">Sign in</h2>
        {notice ? (
          <p class="error" role="alert">
            {notice}
          </p>
        ) : null}
        <label for="token">Access token</label>
        <textarea
          id="token"
          name="token"
          rows={4}
          autoComplete="off"
          spellcheck={false}
          value={value}
          aria-describedby="token-help"
          aria-invalid={problem ? true : undefined}
          onInput={(event) => {
            setValue(event.currentTarget.value);
            setProblem(null);
          }}
        />
        <p id="token-help" class="help">
          Paste a bearer token from your identity provider, or in development from{' '}
          <code>npm run --silent helpdesk -- mint-token --portal demo --user me --roles agent</code>. It is kept in this
          tab only.
        </p>
        {problem ? (
          <p class="error" role="alert">
            {problem}
          </p>
        ) : null}
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
