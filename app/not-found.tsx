import Link from 'next/link';

export const metadata = { title: 'Page not found' };

export default function NotFound() {
  return (
    <main id="content" className="centered">
      <div className="sign-in-card">
        <h1>No such page</h1>
        <p>
          The console has no page at this address. It may have been mistyped or
          cut when it was copied.
        </p>
        <p>
          <Link href="/">Go to the overview</Link>
        </p>
      </div>
    </main>
  );
}
