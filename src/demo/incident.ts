import type { CommitRange } from '../commits/index.js';
import { seededRandom } from './random.js';

/**
 * The demo incident: a checkout service's error log an hour before and ten minutes after a
 * deploy. A newsletter went out with the deploy, so traffic and the recurring errors rise a little
 * together; a scheduled export fails in bursts every quarter hour; and the deploy adds a
 * NullPointerException on the coupon path, whose failed checkouts then roll back their orders: a
 * cascade of two signatures, the exception first.
 */
export const DEMO_DEPLOYED_AT = Date.UTC(2026, 10, 20, 14, 10, 0);
export const DEMO_BASELINE_MS = 60 * 60_000;
export const DEMO_SOAK_MS = 10 * 60_000;
export const DEMO_LOG_GROUP = '/ecs/checkout-service';
/** The traffic shift: recurring errors come this much more often after the deploy. */
const TRAFFIC_AFTER = 1.5;

interface Line {
  at: number;
  text: string;
}

const stamp = (ms: number) => new Date(ms).toISOString();

function poissonTimes(next: () => number, start: number, end: number, perMinute: number): number[] {
  const times: number[] = [];
  for (let t = start; ;) {
    t += (-Math.log(1 - next()) / perMinute) * 60_000;
    if (t >= end) return times;
    times.push(Math.floor(t));
  }
}

function recurring(next: () => number, start: number, end: number, traffic = 1): Line[] {
  const lines: Line[] = [];
  for (const at of poissonTimes(next, start, end, 2 * traffic)) {
    const order = 40_000 + Math.floor(next() * 9_999);
    lines.push({
      at,
      text: `${stamp(at)} ERROR [http-nio-8080-exec-${1 + Math.floor(next() * 8)}] c.s.payments.PaymentClient - Payment gateway timed out after 3000ms for order ${order}`,
    });
  }
  for (const at of poissonTimes(next, start, end, 1 * traffic)) {
    lines.push({
      at,
      text: `${stamp(at)} WARN  [http-nio-8080-exec-${1 + Math.floor(next() * 8)}] c.s.inventory.StockClient - Stock lookup timeout for sku ${100_000 + Math.floor(next() * 899_999)}, serving cached level`,
    });
  }
  for (const at of poissonTimes(next, start, end, 0.6 * traffic)) {
    lines.push({
      at,
      text: `${stamp(at)} ERROR [http-nio-8080-exec-${1 + Math.floor(next() * 8)}] c.s.api.ErrorHandler - Request failed: POST /api/cart/items status=502 upstream=pricing-service latency=${200 + Math.floor(next() * 800)}ms`,
    });
  }
  for (const at of poissonTimes(next, start, end, 0.9 * traffic)) {
    lines.push({
      at,
      text: `${stamp(at)} ERROR [lettuce-nioEventLoop-4-${1 + Math.floor(next() * 4)}] c.s.session.SessionStore - Redis command timed out after ${500 + Math.floor(next() * 100)}ms, retrying`,
    });
  }
  return lines;
}

/** The export job fails at :00, :15, :30 and :45 with a burst of retries. */
function cronBursts(next: () => number, start: number, end: number): Line[] {
  const lines: Line[] = [];
  const quarter = 15 * 60_000;
  for (let run = Math.ceil(start / quarter) * quarter; run < end; run += quarter) {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const at = run + attempt * 2_000 + Math.floor(next() * 500);
      lines.push({
        at,
        text: `${stamp(at)} ERROR [scheduler-1] c.s.jobs.ReportExportJob - Export attempt ${attempt}/12 failed: S3 PutObject returned 503 SlowDown`,
      });
    }
  }
  return lines;
}

function couponCrashes(next: () => number, start: number, end: number): Line[] {
  return poissonTimes(next, start + 40_000, end, 4).map((at) => {
    const thread = 1 + Math.floor(next() * 8);
    const cart = Math.floor(next() * 0xffffffff)
      .toString(16)
      .padStart(8, '0');
    return {
      at,
      text: [
        `${stamp(at)} ERROR [http-nio-8080-exec-${thread}] c.s.checkout.CheckoutController - Checkout failed for cart ${cart}`,
        'java.lang.NullPointerException: Cannot invoke "com.shop.checkout.Coupon.discount()" because "coupon" is null',
        '\tat com.shop.checkout.CartService.applyCoupon(CartService.java:142)',
        '\tat com.shop.checkout.CartService.total(CartService.java:88)',
        '\tat com.shop.checkout.CheckoutController.checkout(CheckoutController.java:57)',
        '\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)',
        '\t... 48 more',
      ].join('\n'),
    };
  });
}

/** Each failed checkout rolls its order back a moment later: a consequence, not a cause. */
function rollbacks(crashes: Line[], next: () => number): Line[] {
  return crashes.map(({ at }) => {
    const later = at + 300 + Math.floor(next() * 400);
    const order = 50_000 + Math.floor(next() * 9_999);
    return {
      at: later,
      text: `${stamp(later)} ERROR [http-nio-8080-exec-${1 + Math.floor(next() * 8)}] c.s.orders.OrderSaga - Order ${order} rolled back: payment was never captured`,
    };
  });
}

function render(lines: Line[]): string {
  return `${lines
    .sort((a, b) => a.at - b.at)
    .map((line) => line.text)
    .join('\n')}\n`;
}

export function demoLogs(): { before: string; after: string } {
  const next = seededRandom(20261120);
  const baselineStart = DEMO_DEPLOYED_AT - DEMO_BASELINE_MS;
  const afterEnd = DEMO_DEPLOYED_AT + DEMO_SOAK_MS;
  const before = [
    ...recurring(next, baselineStart, DEMO_DEPLOYED_AT),
    ...cronBursts(next, baselineStart, DEMO_DEPLOYED_AT),
  ];
  const recurringAfter = [
    ...recurring(next, DEMO_DEPLOYED_AT, afterEnd, TRAFFIC_AFTER),
    ...cronBursts(next, DEMO_DEPLOYED_AT, afterEnd),
  ];
  const crashes = couponCrashes(next, DEMO_DEPLOYED_AT, afterEnd);
  return {
    before: render(before),
    after: render([...recurringAfter, ...crashes, ...rollbacks(crashes, next)]),
  };
}

export const DEMO_COMMITS: CommitRange = {
  base: '5e1f0c2a9b7d4e6f8a0b1c2d3e4f5a6b7c8d9e0f',
  head: 'c41d7e9f2a3b4c5d6e7f8091a2b3c4d5e6f70812',
  notes: [],
  commits: [
    {
      sha: '8a2b6c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b',
      subject: 'Bump jackson-databind from 2.17.2 to 2.18.1',
      author: 'dependabot[bot]',
      files: [
        {
          path: 'pom.xml',
          patch:
            '@@ -88,7 +88,7 @@\n       <artifactId>jackson-databind</artifactId>\n-      <version>2.17.2</version>\n+      <version>2.18.1</version>',
        },
      ],
    },
    {
      sha: '3f9e8d7c6b5a49382716a5b4c3d2e1f0a9b8c7d6',
      subject: 'Apply stacked coupons at checkout',
      author: 'Dana Whitfield',
      files: [
        {
          path: 'src/main/java/com/shop/checkout/CartService.java',
          patch:
            '@@ -136,9 +136,12 @@ public class CartService {\n   Money applyCoupon(Cart cart, Money subtotal) {\n-    if (cart.coupon() == null) {\n-      return subtotal;\n-    }\n-    return subtotal.minus(cart.coupon().discount());\n+    Money total = subtotal;\n+    for (String code : cart.couponCodes()) {\n+      Coupon coupon = coupons.find(code);\n+      total = total.minus(coupon.discount());\n+    }\n+    return total;\n   }',
        },
        {
          path: 'src/test/java/com/shop/checkout/CartServiceTest.java',
          patch:
            '@@ -40,3 +40,9 @@\n+  @Test\n+  void appliesTwoCoupons() {\n+    assertEquals(Money.of(80), service.applyCoupon(cartWith("TEN", "TEN"), Money.of(100)));\n+  }',
        },
      ],
    },
    {
      sha: 'b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8',
      subject: 'Docs: describe coupon stacking rules',
      author: 'Dana Whitfield',
      files: [
        {
          path: 'docs/coupons.md',
          patch:
            '@@ -1,3 +1,8 @@\n+## Stacking\n+Several coupons apply in the order they were added.',
        },
      ],
    },
    {
      sha: 'c41d7e9f2a3b4c5d6e7f8091a2b3c4d5e6f70812',
      subject: 'CI: cache the Maven repository',
      author: 'Lee Okafor',
      files: [
        {
          path: '.github/workflows/ci.yml',
          patch:
            '@@ -20,6 +20,11 @@\n+      - uses: actions/cache@v4\n+        with:\n+          path: ~/.m2/repository',
        },
      ],
    },
  ],
};
