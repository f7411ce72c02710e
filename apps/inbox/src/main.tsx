import { render } from 'preact';
import { App } from './App';
import './styles.css';

const root = document.getElementById('app');
if (root) {
  // The page's "Loading…" line goes; Preact renders into the emptied element.
  root.textContent = '';
  render(<App />, root);
}
