// The README recipes (README, "Recipes") as TypeScript: checked by recipes.test.mjs
// with tsc (recipes.tsconfig.json), so a snippet that stops compiling against
// pos-auth's or a library's typings fails `make test`. Never run.
/// <reference types="vite/client" />
import axios from "axios";
import createClient from "openapi-fetch";
import { HubConnectionBuilder } from "@microsoft/signalr";
import { AuthClient } from "../../pkg/index.js";

const baseUrl = "https://pos.example.com/portos";
const client = new AuthClient({ baseUrl });

// axios through its fetch adapter: client.fetch as a value.
export const viaFetch = axios.create({ baseURL: baseUrl, adapter: "fetch", env: { fetch: client.fetch } });

// axios through an interceptor.
export const viaInterceptor = axios.create({ baseURL: baseUrl });
viaInterceptor.interceptors.request.use(async (config) => {
  config.headers.Authorization = `Bearer ${await client.accessToken()}`;
  return config;
});

// openapi-fetch, with `paths` as openapi-typescript generates it (cut down to GET /api/auth).
interface paths {
  "/api/auth": {
    parameters: { query?: never; header?: never; path?: never; cookie?: never };
    get: {
      parameters: { query?: never; header?: never; path?: never; cookie?: never };
      requestBody?: never;
      responses: {
        200: { headers: { [name: string]: unknown }; content: { "application/json": { userName: string; rights: string[] } } };
        401: { headers: { [name: string]: unknown }; content?: never };
      };
    };
  };
}
const pos = createClient<paths>({ baseUrl, fetch: client.fetch });
export async function userName(): Promise<string | undefined> {
  const { data } = await pos.GET("/api/auth");
  return data?.userName;
}

// SignalR.
export const hub = new HubConnectionBuilder()
  .withUrl("https://pos.example.com/hubs/notifications", { accessTokenFactory: () => client.accessToken() })
  .build();

// Vite HMR.
import.meta.hot?.data.client?.dispose();
if (import.meta.hot) import.meta.hot.data.client = client;
