import { defineConfig } from "vitest/config";

// The Tauri window loads the built files from ui/dist (see tauri.conf.json `frontendDist`).
export default defineConfig({
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    chunkSizeWarningLimit: 200,
  },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
});
