// A deliberately wrong call: tsc must refuse it (carId is a string, and
// sortBy has no such choice).
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "./contract";

const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "http://127.0.0.1:8080/trpc" })],
});

export async function wrong(): Promise<void> {
  await api.car.byId.query({ carId: 42 });
  await api.car.list.query({ sortBy: "colour" });
}
