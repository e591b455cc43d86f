/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import tailwindcss from "@tailwindcss/vite";

// `npm run dev` proxies the API to a running `agentry serve` (AGENTRY_URL, default :8006),
// so the app reloads live while the server keeps running.
const target = process.env.AGENTRY_URL ?? "http://127.0.0.1:8006";

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      "/api": target,
      "/health": target,
      "/ws": { target: target.replace(/^http/, "ws"), ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1024 },
  test: { environment: "happy-dom", include: ["src/**/*.test.{ts,tsx}"] },
});
