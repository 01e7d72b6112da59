import { describe, expect, it } from "vitest";
import type { User } from "../../../src/core/model/types.ts";
import {
  defaultTemplates,
  escapeHtml,
  type FormContext,
  resolveTemplates,
} from "../../../src/http/views/index.ts";
import { describeEachDatabase } from "../../support/guest-users.ts";
import { becomeGuest, csrfOf, SECRET, setup } from "./client.ts";

const EVIL = `<script>alert("x")</script>'&`;
const ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;&amp;";

const user = (username: string, isGuest = false): User => ({
  id: 1,
  username,
  email: null,
  isGuest,
  createdAt: null,
  lastLoginAt: null,
  isStaff: false,
  hasPassword: !isGuest,
});

const context = (overrides: Partial<FormContext> = {}): FormContext => ({
  fields: [
    { name: "username", label: "Username", autocomplete: "username", help: "Letters only" },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ],
  values: {},
  errors: {},
  csrfToken: "tok",
  next: null,
  action: "/accounts/login/",
  links: { login: "/accounts/login/", signup: "/accounts/signup/", convert: "/convert/" },
  ...overrides,
});

describe("escapeHtml", () => {
  it("escapes the five special characters and stringifies anything", () => {
    expect(escapeHtml(EVIL)).toBe(ESCAPED);
    expect(escapeHtml(null)).toBe("");
    expect(escapeHtml(undefined)).toBe("");
    expect(escapeHtml(42)).toBe("42");
    expect(escapeHtml("plain text")).toBe("plain text");
  });
});

describe("default templates", () => {
  it("escape every interpolated value", () => {
    const html = defaultTemplates.loginForm(
      context({
        fields: [{ name: EVIL, label: EVIL, autocomplete: EVIL, help: EVIL }],
        values: { [EVIL]: EVIL },
        errors: { [EVIL]: [EVIL], "": [EVIL] },
        csrfToken: EVIL,
        next: EVIL,
        action: EVIL,
        links: { login: EVIL, signup: EVIL, convert: EVIL },
      }),
    );
    expect(html).not.toContain("<script>");
    expect(html).not.toMatch(/"x"/);
    expect(html.split(ESCAPED).length - 1).toBeGreaterThanOrEqual(8);
    for (const page of [
      defaultTemplates.layout({ title: EVIL, body: "<p>trusted</p>", user: user(EVIL, true) }),
      defaultTemplates.convertSuccess({ user: user(EVIL), continueUrl: EVIL }),
      defaultTemplates.errorPage({ status: 500, title: EVIL, message: EVIL }),
      defaultTemplates.convertForm(context({ links: { login: EVIL, signup: "", convert: "" } })),
      defaultTemplates.signupForm(context({ links: { login: EVIL, signup: "", convert: "" } })),
    ]) {
      expect(page).not.toContain("<script>");
      expect(page).toContain(ESCAPED);
    }
  });

  it("carry the CSRF token and next, put form errors on top and field errors by their field", () => {
    const html = defaultTemplates.loginForm(
      context({
        next: "/cart/",
        values: { username: "ann" },
        errors: { "": ["Wrong."], username: ["Bad name."], unknown: ["Stray."] },
      }),
    );
    expect(html).toContain('<input type="hidden" name="csrf_token" value="tok">');
    expect(html).toContain('<input type="hidden" name="next" value="/cart/">');
    expect(html.indexOf("Wrong.")).toBeLessThan(html.indexOf("csrf_token"));
    expect(html.indexOf("Stray.")).toBeLessThan(html.indexOf("csrf_token"));
    expect(html.indexOf("Bad name.")).toBeGreaterThan(html.indexOf('name="username"'));
    expect(html).toContain('aria-describedby="id_username_errors id_username_help"');
    expect(html).toContain('<label for="id_username">Username</label>');
    expect(html).toContain('value="ann"');
  });

  it("never put a password value in the page", () => {
    const html = defaultTemplates.loginForm(context({ values: { password: "hunter2-secret" } }));
    expect(html).not.toContain("hunter2-secret");
  });

  it("can be replaced one by one", () => {
    const templates = resolveTemplates({ errorPage: ({ status }) => `<p>custom ${status}</p>` });
    expect(templates.errorPage({ status: 503, title: "", message: "" })).toBe("<p>custom 503</p>");
    expect(templates.layout).toBe(defaultTemplates.layout);
    expect(resolveTemplates({ layout: undefined }).layout).toBe(defaultTemplates.layout);
  });
});

describeEachDatabase("escaping in the views", (fx) => {
  it("escapes a hostile guest name and echoed input in rendered pages", async () => {
    const { client, gu } = setup(await fx.open({ secret: SECRET, convertPrefillUsername: true }), {
      templates: { convertSuccess: () => "unused" },
    });
    await becomeGuest(client, gu, EVIL);
    const convert = await (await client.get("/convert/")).text();
    expect(convert).not.toContain("<script>");
    expect(convert).toContain(`value="${ESCAPED}"`);
    expect(convert).toContain(`<strong>${ESCAPED}</strong>`);

    client.jar.clear();
    const login = await client.get(`/accounts/login/?next=${encodeURIComponent('/a"><script>')}`);
    const html = await login.text();
    expect(html).not.toContain("<script>");
    const failed = await client.post("/accounts/login/", {
      username: `"><script>alert(1)</script>`,
      password: "x",
      csrf_token: csrfOf(html),
    });
    const page = await failed.text();
    expect(page).not.toContain("<script>");
    expect(page).toContain("&quot;&gt;&lt;script&gt;");
  });

  it("uses replaced templates", async () => {
    const { client } = setup(await fx.open({ secret: SECRET, tablePrefix: "tpl_" }), {
      templates: {
        layout: ({ title, body }) => `<x-shell title="${escapeHtml(title)}">${body}</x-shell>`,
      },
    });
    const html = await (await client.get("/accounts/login/")).text();
    expect(html.startsWith('<x-shell title="Log in">')).toBe(true);
  });
});
