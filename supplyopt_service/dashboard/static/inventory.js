/* supplyopt dashboard: record receipts, issues and adjustments (manager role; contract §4
 * POST /warehouses/{id}/movements). Each movement the form is about to book gets an
 * Idempotency-Key, kept (in sessionStorage) with the exact request until the server has
 * answered it: a second click, a retry after a lost answer or a reload books it once. A
 * changed request gets a new key; a booked one clears the form. */
"use strict";
(function () {
  const S = window.Supplyopt;
  const N = window.SupplyoptNames;
  const { $, t, el } = S;
  const PENDING = "supplyopt.movement";
  const MAX_QUANTITY = 1e12;
  let catalogue = [];
  let busy = false;
  let booked = null; // {entry, vars}: the last booking the status line tells of

  function bookedVars(entry) {
    return { id: entry.id, kind: t("mvKind_" + entry.kind), q: Math.abs(entry.quantity), item: N.item(entry.item),
      warehouse: entry.warehouse, after: entry.on_hand_after };
  }
  /** After a language switch the status line still tells of the booking: say it in the new language. */
  function resay() {
    if (booked && $("status").textContent === t("mvBooked", booked.vars)) {
      booked.vars = bookedVars(booked.entry);
      S.sayKey("mvBooked", booked.vars);
    }
  }

  /** A fresh key (crypto.getRandomValues works in non-secure contexts too, unlike randomUUID). */
  function newKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return "dash-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  /** The key for this exact request: the pending one if it is the same request, else a new one. */
  function keyFor(signature) {
    const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
    if (pending && pending.signature === signature) return pending.key;
    const key = newKey();
    sessionStorage.setItem(PENDING, JSON.stringify({ signature, key }));
    return key;
  }

  function setOptions(select, values, labelOf) {
    const keep = select.value;
    select.replaceChildren(...values.map((v) => el("option", { value: v, selected: v === keep }, labelOf(v))));
  }
  async function fill(warehouses, stocks) {
    try { catalogue = await S.apiAll("/items"); } catch (err) { catalogue = []; }
    N.learn("item", catalogue);
    const box = $("mv-box");
    box.hidden = !warehouses.length;
    setOptions($("mv-warehouse"), warehouses.map((w) => w.id), (id) => {
      const w = warehouses.find((x) => x.id === id);
      return w && w.name ? w.name + " (" + id + ")" : id;
    });
    const held = new Set(stocks.flatMap((s) => Object.keys(s)));
    const ids = [...new Set([...catalogue.map((i) => i.id), ...held])].sort();
    setOptions($("mv-item"), ids, (id) => (N.item(id) === id ? id : N.item(id) + " (" + id + ")"));
    hint();
  }
  function hint() { $("mv-quantity-hint").textContent = t("mvHint_" + $("mv-kind").value); }

  /** The request the form describes, or the located problems of its fields. */
  function read() {
    const problems = [];
    const warehouse = $("mv-warehouse").value, item = $("mv-item").value, kind = $("mv-kind").value;
    const raw = $("mv-quantity").value.trim();
    const n = Number(raw);
    if (!warehouse) problems.push(["mv-warehouse", t("errRequired")]);
    if (!item) problems.push(["mv-item", t("errRequired")]);
    if (raw === "") problems.push(["mv-quantity", t("errRequired")]);
    else if (!Number.isInteger(n)) problems.push(["mv-quantity", t("errInteger")]);
    else if (kind !== "adjustment" && n <= 0) problems.push(["mv-quantity", t("errPositive")]);
    else if (n === 0) problems.push(["mv-quantity", t("errNonZero")]);
    else if (Math.abs(n) > MAX_QUANTITY) problems.push(["mv-quantity", t("errRange", { lo: -MAX_QUANTITY, hi: MAX_QUANTITY })]);
    const note = $("mv-note").value.trim();
    const body = { item, kind, quantity: kind === "issue" ? -n : n };
    if (note) body.note = note;
    return { warehouse, body, problems };
  }
  const fieldName = (id) => $(id).closest("label").querySelector("span").textContent.trim();
  function showProblems(problems) {
    for (const id of ["mv-warehouse", "mv-item", "mv-quantity", "mv-note"]) $(id).removeAttribute("aria-invalid");
    const box = $("mv-errors");
    if (!problems.length) { box.hidden = true; box.replaceChildren(); return; }
    for (const [id] of problems) if ($(id)) $(id).setAttribute("aria-invalid", "true");
    box.replaceChildren(el("ul", {}, problems.map(([id, msg]) =>
      el("li", {}, ($(id) ? fieldName(id) + ": " : "") + msg))));
    box.hidden = false;
  }
  /** A refusal in words: 409 shortfall as a sentence, 422 as located messages, 403 as the role. */
  function refusal(err) {
    if (err.status === 409 && err.body && err.body.shortfall) {
      return err.body.shortfall.map((s) => t("mvShort", { warehouse: s.warehouse, item: N.item(s.item), available: s.available, missing: s.missing }));
    }
    if (err.status === 422 && err.body && Array.isArray(err.body.errors)) {
      return err.body.errors.map((e) => (e.path ? e.path + ": " : "") + e.msg);
    }
    if (err.status === 403) return [t("mvForbidden")];
    return [t("error", { code: err.status, detail: err.message })];
  }

  async function submit(ev) {
    ev.preventDefault();
    if (busy) return; // the same click twice: the first one is on its way
    const { warehouse, body, problems } = read();
    showProblems(problems);
    if (problems.length) { S.sayKey("mvInvalid", null, true); return; }
    const key = keyFor(warehouse + "\n" + JSON.stringify(body));
    busy = true;
    $("mv-submit").disabled = true;
    try {
      const entry = await S.api("POST", "/warehouses/" + encodeURIComponent(warehouse) + "/movements", body,
        { headers: { "Idempotency-Key": key } });
      sessionStorage.removeItem(PENDING);
      $("mv-quantity").value = "";
      $("mv-note").value = "";
      booked = { entry, vars: bookedVars(entry) };
      S.sayKey("mvBooked", booked.vars);
      S.loadInventory();
    } catch (err) {
      if (err instanceof S.ApiError) {
        if (err.status === 409 || err.status === 422) sessionStorage.removeItem(PENDING); // refused: nothing booked
        showProblems(refusal(err).map((msg) => ["", msg]));
        S.sayKey("mvRefused", null, true);
      } else {
        S.sayKey("mvNoAnswer", null, true); // may or may not be booked: the same click again books it at most once
      }
    } finally {
      busy = false;
      $("mv-submit").disabled = false;
    }
  }
  $("mv-form").addEventListener("submit", submit);
  $("mv-kind").addEventListener("change", hint);
  S.onInventory(fill);
  S.onRerender(() => { if (!$("mv-box").hidden) hint(); resay(); });
})();
