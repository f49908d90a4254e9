import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The UI is served by Tauri from ui/dist (no server at run time). Fonts come from
// ../assets/fonts and are bundled, so the app needs nothing from the network.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true, fs: { allow: [".."] } },
  build: { target: "safari15", outDir: "dist", emptyOutDir: true, assetsInlineLimit: 0 },
  test: { environment: "jsdom", include: ["src/**/*.test.ts", "src/**/*.test.tsx"] },
});
