// The README's Pinia recipe, as written there: a setup store over the app's client.
import { defineStore } from "pinia";
import { computed } from "vue";
import { useAuth, useSession } from "pos-auth/vue";

export const useCashier = defineStore("cashier", () => {
  const client = useAuth();
  const session = useSession(); // subscribed while the Pinia instance lives
  const name = computed(() => session.value?.user.name ?? null);
  const locked = computed(() => session.value?.locked ?? false);
  return {
    session,
    name,
    locked,
    signIn: (credentials) => client.login(credentials),
    signOut: () => client.logout(),
  };
});
