import Link from 'next/link';

/** A detail URL whose id cannot be one: say so instead of asking the server. */
export function BadId({ what, list }: { what: string; list: string }) {
  return (
    <div className="state state-error" role="alert">
      <p>
        <strong>This link does not name a {what}.</strong> The id in it is not
        well formed; it may have been cut when it was copied.
      </p>
      <p>
        <Link href={list}>
          Search the {what === 'delivery' ? 'deliveries' : `${what}s`}
        </Link>{' '}
        instead.
      </p>
    </div>
  );
}
