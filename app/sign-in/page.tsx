import { Suspense } from 'react';

import { Loading } from '../_components/query-states';
import { SignInForm } from './sign-in-form';

export const metadata = { title: 'Sign in' };

export default function SignInPage() {
  return (
    <main id="content" className="sign-in">
      <Suspense fallback={<Loading what="the sign-in form" />}>
        <SignInForm />
      </Suspense>
    </main>
  );
}
