export default function Home() {
  return (
    <main>
      <h1>Modula Webhook Gateway</h1>
      <p>
        Bakong deliveries are received at <code>POST /api/webhooks/bakong</code>;
        readiness is at <code>GET /api/health</code>.
      </p>
    </main>
  );
}
