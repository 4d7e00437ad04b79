// The policy settings for HR admins: the deployment's jurisdiction profile (EU, mainland China,
// Illinois, default), what each allows and why, and choosing one. The back end enforces the
// profile; this screen explains it.
import "../vision.css";

import { api } from "../api";
import type { PolicyProfile } from "../bindings/PolicyProfile";
import type { PolicySettings } from "../bindings/PolicySettings";
import { PROFILES, PURPOSES, profileRules } from "../consentLogic";
import type { Context } from "../context";
import { h, replace } from "../dom";
import { getLanguage, pick, t } from "../i18n";
import { button, errorBox, pageHeader } from "../ui";

export async function renderPolicy(root: HTMLElement, _context: Context): Promise<void> {
  let current: PolicySettings = await api.getPolicy();
  let chosen: PolicyProfile = current.profile;
  const notice = h("div", { "aria-live": "polite" });
  const body = h("div");

  const apply = async () => {
    try {
      current = await api.setPolicy(chosen);
      replace(notice, h("p", { class: "notice notice-ok", testid: "policy-saved" }, t("policy.saved", { profile: t(`policy.profile.${current.profile}`) })));
    } catch (error) {
      replace(notice, errorBox(error, "policy-error"));
    }
    draw();
  };

  const card = (profile: PolicyProfile) => {
    const rules = profileRules(profile);
    const active = current.configured && current.profile === profile;
    return h(
      "label",
      { class: chosen === profile ? "card policy-card chosen" : "card policy-card", testid: `policy-card-${profile}`, "data-active": active ? "true" : "false" },
      h(
        "div",
        { class: "policy-card-head" },
        h("input", {
          type: "radio",
          name: "policy-profile",
          value: profile,
          testid: `policy-option-${profile}`,
          checked: chosen === profile,
          onchange: () => {
            chosen = profile;
            draw();
          },
        }),
        h("strong", null, t(`policy.profile.${profile}`)),
        active ? h("span", { class: "chip", testid: "policy-active" }, t("policy.active")) : null,
      ),
      h(
        "ul",
        { class: "policy-purposes" },
        PURPOSES.map((purpose) => {
          const offered = rules.purposes.includes(purpose);
          return h(
            "li",
            { class: offered ? "allowed" : "blocked", testid: `policy-${profile}-${purpose}`, "data-allowed": offered ? "true" : "false" },
            h("span", { class: "policy-mark", "aria-hidden": "true" }, offered ? "✓" : "✕"),
            t(`consent.purpose.${purpose}`),
            offered ? null : h("span", { class: "muted small" }, " — ", t("policy.cannotEnable")),
          );
        }),
      ),
      h(
        "ul",
        { class: "policy-rules small" },
        h("li", null, t("policy.rule.consentEach")),
        rules.separateCameraConsent ? h("li", null, t("policy.rule.separateCamera")) : null,
        rules.explanationBeforeInterview ? h("li", null, t("policy.rule.explanation")) : null,
        rules.deletionDays !== null ? h("li", null, t("policy.rule.deletion", { days: rules.deletionDays })) : null,
      ),
      h("p", { class: "policy-legal small muted", testid: `policy-legal-${profile}` }, t(rules.legal)),
    );
  };

  const draw = () => {
    replace(
      body,
      h(
        "p",
        { class: current.configured ? "notice" : "notice notice-warn", testid: "policy-current" },
        current.configured
          ? t("policy.current", { profile: t(`policy.profile.${current.profile}`) })
          : t("policy.notConfigured"),
      ),
      current.configured
        ? h("p", { class: "small", testid: "policy-legal-basis" }, h("strong", null, t("policy.enforced"), " "), pick(current.legal_basis, getLanguage()))
        : null,
      h("div", { class: "policy-grid" }, PROFILES.map(card)),
      h(
        "div",
        { class: "actions" },
        button(t("policy.apply"), () => void apply(), {
          class: "primary",
          testid: "policy-apply",
          disabled: current.configured && chosen === current.profile,
        }),
      ),
      h("p", { class: "muted small" }, t("policy.disclaimer")),
    );
  };
  draw();
  replace(root, pageHeader(t("policy.title"), t("policy.subtitle")), notice, body);
}
