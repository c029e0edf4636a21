/**
 * The Bakong contract's test vectors, byte for byte
 * (the Bakong wire contract, "Test vectors" and "The KHQR strings").
 * Bodies are joined from pieces only to stay within the line width; each is
 * one line with no trailing newline, exactly as signed.
 */

import type { NormalizedEvent } from '../../events/normalized-event';

/** The active secret and a second one rotated in alongside it. */
export const SECRET_1 = 'whsec_bW9kdWxhLWJha29uZy1waWxvdC10ZXN0LWtleS0wMSE=';
export const SECRET_2 = 'whsec_bW9kdWxhLWJha29uZy1waWxvdC10ZXN0LWtleS0wMj8=';

/** A KHR sale payment, 25000 riel. */
export const V1 = {
  messageId: 'msg_2aQ7nW1kX9',
  /** The `webhook-timestamp` header; also the clock to verify it with. */
  timestamp: '1767242706',
  body: [
    '{"eventId":"evt_01JGX7Q5K2M4","eventType":"bakong.transaction.confirmed",',
    '"provider":"BAKONG","md5":"333e1788ef63bc1199649694f50568f4",',
    '"sentAtMs":1767242706002,"responseCode":0,',
    '"responseMessage":"Getting transaction successfully.","errorCode":null,',
    '"data":{"hash":',
    '"7612f956e8df45e75c427a94266e7b9d7a40a76d0438b4f639491300550c4a02",',
    '"fromAccountId":"abaakhppxxx@abaa","toAccountId":"demo_cafe@devb",',
    '"currency":"KHR","amount":25000,"description":"POS-000123",',
    '"createdDateMs":1767242703000,"acknowledgedDateMs":1767242704000,',
    '"trackingStatus":null,"receiverBank":null,"receiverBankAccount":null,',
    '"instructionRef":null,"externalRef":"100FT00000000001"}}',
  ].join(''),
  signatures: {
    secret1: 'v1,LZcJYxeNtk4nBkN+IHDxSQIM41a2OHFNotXHDcIcucY=',
    secret2: 'v1,GjEY45yuVoJHBibidShWMWbWaG/TMR+qyQifYz93M18=',
  },
  md5: '333e1788ef63bc1199649694f50568f4',
  khqr: [
    '00020101021229180014demo_cafe@devb520459995303116540525000',
    '5802KH5909DEMO CAFE6010Phnom Penh62140110POS-000123',
    '99340013176724270012301131767243000123',
    '63049713',
  ].join(''),
} as const;

/** A USD invoice payment, 4.50 dollars. Signed with the first secret only. */
export const V2 = {
  messageId: 'msg_2aQ7pR4mZ0',
  timestamp: '1767243012',
  body: [
    '{"eventId":"evt_01JGX7R0A9B1","eventType":"bakong.transaction.confirmed",',
    '"provider":"BAKONG","md5":"1fed5d993cb935988449e5f2b45f9757",',
    '"sentAtMs":1767243012000,"responseCode":0,',
    '"responseMessage":"Getting transaction successfully.","errorCode":null,',
    '"data":{"hash":',
    '"b417234ccd23a61fcdb2b7078e196fde001754b99469feaebadf8fa5602256fb",',
    '"fromAccountId":"wingkhppxxx@wing","toAccountId":"demo_cafe@devb",',
    '"currency":"USD","amount":4.5,"description":"WG/PM/QR/0000000000000001",',
    '"createdDateMs":1767243009000,"acknowledgedDateMs":1767243010000,',
    '"trackingStatus":null,"receiverBank":null,"receiverBankAccount":null,',
    '"instructionRef":null,"externalRef":"WG00000000000001"}}',
  ].join(''),
  signatures: {
    secret1: 'v1,zISIuTuKZ099JjJcStpQEFxIRW5e5fpiU9KVwtDivxM=',
  },
  md5: '1fed5d993cb935988449e5f2b45f9757',
  khqr: [
    '00020101021229180014demo_cafe@devb5204599953038405404',
    '4.505802KH5909DEMO CAFE6010Phnom Penh62170113INV-2026-0042',
    '99340013176724300045601131767243300456',
    '630478DF',
  ].join(''),
} as const;

/** The public Standard Webhooks vector: proves the scheme, not Bakong. */
export const STANDARD_WEBHOOKS_VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  messageId: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

/** What V1 normalizes to: 25000 riel to demo_cafe@devb. */
export const V1_EVENT: NormalizedEvent = {
  provider: 'BAKONG',
  kind: 'PAYMENT_CONFIRMED',
  providerEventId:
    '7612f956e8df45e75c427a94266e7b9d7a40a76d0438b4f639491300550c4a02',
  correlation: { type: 'khqr_md5', key: '333e1788ef63bc1199649694f50568f4' },
  proof: {
    amountMinor: '25000',
    amountText: '25000',
    currency: 'KHR',
    receiverAccountId: 'demo_cafe@devb',
    payerAccountId: 'abaakhppxxx@abaa',
    hash: '7612f956e8df45e75c427a94266e7b9d7a40a76d0438b4f639491300550c4a02',
    createdAt: '2026-01-01T04:45:03.000Z',
    acknowledgedAt: '2026-01-01T04:45:04.000Z',
  },
  occurredAt: '2026-01-01T04:45:03.000Z',
  source: {
    relayEventId: 'evt_01JGX7Q5K2M4',
    sentAt: '2026-01-01T04:45:06.002Z',
  },
};

/** What V2 normalizes to: 450 cents to demo_cafe@devb. */
export const V2_EVENT: NormalizedEvent = {
  provider: 'BAKONG',
  kind: 'PAYMENT_CONFIRMED',
  providerEventId:
    'b417234ccd23a61fcdb2b7078e196fde001754b99469feaebadf8fa5602256fb',
  correlation: { type: 'khqr_md5', key: '1fed5d993cb935988449e5f2b45f9757' },
  proof: {
    amountMinor: '450',
    amountText: '4.5',
    currency: 'USD',
    receiverAccountId: 'demo_cafe@devb',
    payerAccountId: 'wingkhppxxx@wing',
    hash: 'b417234ccd23a61fcdb2b7078e196fde001754b99469feaebadf8fa5602256fb',
    createdAt: '2026-01-01T04:50:09.000Z',
    acknowledgedAt: '2026-01-01T04:50:10.000Z',
  },
  occurredAt: '2026-01-01T04:50:09.000Z',
  source: {
    relayEventId: 'evt_01JGX7R0A9B1',
    sentAt: '2026-01-01T04:50:12.000Z',
  },
};
