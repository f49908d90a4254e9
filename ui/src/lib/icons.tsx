// Small inline icons: emoji fonts are not installed on many office PCs.
export function LockIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M7 10V7a5 5 0 0 1 10 0v3h1a1 1 0 0 1 1 1v9a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1v-9a1 1 0 0 1 1-1h1Zm2 0h6V7a3 3 0 0 0-6 0v3Z" fill="currentColor" />
    </svg>
  );
}

export function ShieldIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M12 2 4 5v6c0 5 3.4 9.5 8 11 4.6-1.5 8-6 8-11V5l-8-3Zm-1.2 14.2-3.5-3.5 1.4-1.4 2.1 2.1 4.6-4.6 1.4 1.4-6 6Z" fill="currentColor" />
    </svg>
  );
}

export function CloudOffIcon() {
  return (
    <svg className="icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M3.3 2.3 2 3.6l3 3A6 6 0 0 0 6 18h11.4l2 2 1.3-1.3L3.3 2.3ZM8 16a4 4 0 0 1-.9-7.9l7.9 7.9H8Zm11.4-5.9A6.5 6.5 0 0 0 9 6.2l1.5 1.5A4.5 4.5 0 0 1 17.5 11v1h1.5a2.5 2.5 0 0 1 1.3 4.6l1.4 1.4a4.5 4.5 0 0 0-2.3-7.9Z" fill="currentColor" />
    </svg>
  );
}
