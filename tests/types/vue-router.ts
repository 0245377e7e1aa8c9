// authGuard against vue-router's own types (`npx tsc -p types/tsconfig.vue-router.json`).
import { createRouter, createMemoryHistory, type RouteLocationRaw } from "vue-router";
import { authGuard } from "pos-auth/vue";

const router = createRouter({
  history: createMemoryHistory(),
  routes: [
    { path: "/login", component: {}, meta: { auth: false } },
    { path: "/till", component: {} },
  ],
});
router.beforeEach(authGuard);
router.beforeResolve((to) => authGuard(to));

// What it resolves with is something a guard may return.
export const verdict: Promise<true | RouteLocationRaw> = authGuard(router.currentRoute.value);
