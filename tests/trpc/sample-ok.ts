// A typed client of the generated contract: tsc must accept this.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter, CarDetail } from "./contract";

const api = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: "http://127.0.0.1:8080/trpc" })],
});

export async function sample(carId: string): Promise<string> {
  const one: CarDetail = await api.car.byId.query({ carId });
  const list = await api.car.list.query({ limit: 2, sortBy: "price" });
  const names: string[] = list.cars.map((c) => String(c.name));
  await api.admin.car.setVisibility.mutate({ carId, hidden: false });
  await api.booking.create.mutate({
    carId, startDate: "2027-06-01", endDate: "2027-06-03",
    customerDetails: { fullName: "Typed Client", email: "typed@example.com" },
  });
  return String(one.car.id) + names.join(",");
}
