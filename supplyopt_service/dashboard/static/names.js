/* supplyopt dashboard: item and vehicle names in the page's language, and the page title.
 * A scenario may give items and vehicle types display names per language
 * (`names: {en: "Quilt", zh: "救灾棉被"}`, docs/contract.md §1 notes); the page shows
 * names[lang], else `name`, else the id. Names are learnt from the plan GeoJSON's
 * `items`/`vehicle_types`, the scenario being edited and the item catalogue. */
"use strict";
(function () {
  const S = window.Supplyopt;
  const known = { item: new Map(), vehicleType: new Map() };

  /** Remember display names: entries [{id, name, names}] of one kind ("item" or "vehicleType"). */
  function learn(kind, entries) {
    for (const e of entries || []) {
      if (!e || !e.id) continue;
      const had = known[kind].get(e.id) || {};
      known[kind].set(e.id, {
        name: e.name || had.name || null,
        names: Object.assign({}, had.names || {}, e.names || {}),
      });
    }
  }
  function learnScenario(sc) {
    if (!sc) return;
    learn("item", sc.items);
    learn("vehicleType", sc.vehicle_types);
  }
  function pick(kind, id) {
    const e = known[kind].get(id);
    if (!e) return id;
    const lang = S.lang();
    const names = e.names || {};
    if (names[lang]) return names[lang];
    const tag = Object.keys(names).find((k) => k.split("-")[0].toLowerCase() === lang);
    return tag ? names[tag] : e.name || id;
  }
  /** "urumqi/truck-10t/3" → "urumqi · 10 t box truck 3" (the vehicle's type named). */
  function vehicle(id) {
    const parts = String(id).split("/");
    if (parts.length !== 3) return id;
    return pick("vehicleType", parts[1]) + " " + parts[2] + " (" + parts[0] + ")";
  }
  function setTitle() { document.title = S.t("pageTitle"); }

  window.SupplyoptNames = {
    item: (id) => pick("item", id), vehicleType: (id) => pick("vehicleType", id), vehicle,
    learn, learnGeo: (geo) => { learn("item", geo.items); learn("vehicleType", geo.vehicle_types); },
    learnScenario,
  };
  learnScenario(JSON.parse(sessionStorage.getItem("supplyopt.scenario") || "null"));
  setTitle();
  S.onRerender(setTitle);
})();
