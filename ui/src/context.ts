// What every screen gets: the app info and navigation.
import type { AppInfo } from "./bindings/AppInfo";

export type Route =
  | { view: "jobs" }
  | { view: "job"; jobId: string; version?: number }
  | { view: "io" }
  | { view: "interviews"; notice?: string }
  | { view: "new-interview" }
  | { view: "interview"; id: string; notice?: string }
  | { view: "live"; id: string; demo?: boolean }
  | { view: "reports" }
  | { view: "report"; id: string; notice?: string }
  | { view: "sync" }
  | { view: "connectors" }
  | { view: "policy" };

export type Context = {
  info: AppInfo;
  navigate: (route: Route) => void;
};
