// The Mini App form: reads the chat's language from the address, shows its words
// (strings/<lang>.json), follows Telegram's theme, shows only the fields that apply, and sends
// one JSON object of the `plan` contract with Telegram.WebApp.sendData. Nothing clinical is
// computed here but the BSA preview; the bot reads the data with every check of the contract.
"use strict";

(function () {
  const MAX_BYTES = 4096; // Telegram's limit on web_app_data
  const QUANTITIES = [
    "height_cm", "weight_kg", "bsa_m2", "anc", "platelets", "anc_baseline", "platelets_baseline",
  ];
  const LABS = ["bilirubin", "ast", "alt"];
  const SEX = {
    female: { sex: "female", pregnant: false, breastfeeding: false },
    female_pregnant: { sex: "female", pregnant: true, breastfeeding: false },
    female_breastfeeding: { sex: "female", pregnant: false, breastfeeding: true },
    male: { sex: "male" },
  };
  const params = new URLSearchParams(window.location.search);
  const webApp = window.Telegram && window.Telegram.WebApp;
  let strings = { decimal: ".", texts: {} };

  const $ = (id) => document.getElementById(id);
  const text = (name) => strings.texts[name] || name;
  // Right to left (Arabic): each value, and a number with its unit, in an isolate (U+2068 …
  // U+2069), so that "1.94 m²" or "Mosteller" keep their order inside the Arabic sentence.
  const isolate = (value) => (strings.dir === "rtl" ? "\u2068" + value + "\u2069" : String(value));
  const fill = (template, values) =>
    template
      .replace(/\{(\w+)\} m²/g, (whole, name) =>
        name in values ? isolate(values[name] + " m²") : whole)
      .replace(/\{(\w+)\}/g, (whole, name) => (name in values ? isolate(values[name]) : whole));

  class Problem extends Error {}

  // Numbers as the chat writes them: digits, at most one decimal sign of the chat's language
  // ("1,8" in German); anything else is refused, never guessed.
  function decimal(id, label) {
    const raw = $(id).value.trim();
    if (raw === "") return null;
    const sign = strings.decimal === "," ? "," : "\\.";
    if (!new RegExp("^[0-9]+(" + sign + "[0-9]+)?$").test(raw)) {
      throw new Problem(fill(text("not_a_number"), { value: raw }) + " (" + label + ")");
    }
    return Number(raw.replace(strings.decimal, "."));
  }

  function whole(id, label) {
    const raw = $(id).value.trim();
    if (raw === "") return null;
    if (!/^[0-9]{1,3}$/.test(raw)) {
      throw new Problem(fill(text("not_a_number"), { value: raw }) + " (" + label + ")");
    }
    return Number(raw);
  }

  function shown(element) {
    return !element.closest("[hidden]");
  }

  function cycle() {
    try {
      return whole("cycle", text("cycle"));
    } catch (error) {
      return null;
    }
  }

  // Fields that apply: from cycle 2 the response, baselines, liver tests and dose level; MRD in
  // cycle 3 with a transplant planned; the last dose (contraception) once a sex is given; the
  // age unless the site treats adults only (`adult_only=1` in the address, bot/form_data.py).
  function showApplicable() {
    $("age_row").hidden = params.get("adult_only") === "1";
    const number = cycle();
    for (const element of document.querySelectorAll("[data-from-cycle]")) {
      element.hidden = !(number !== null && number >= Number(element.dataset.fromCycle));
    }
    $("mrd_row").hidden = !(number === 3 && $("hsct_planned").value === "yes");
    $("last_dose_row").hidden = $("sex").value === "";
    for (const lab of LABS) {
      const uln = $(lab + "_uln").closest(".uln");
      uln.hidden = $(lab + "_unit").value === "xULN";
    }
  }

  // The BSA preview, by the bot's own formulas (rules/bsa.py): Mosteller sqrt(h × w / 3600),
  // DuBois 0.007184 × h^0.725 × w^0.425, rounded half up to 0.01 m².
  function previewBsa() {
    const preview = $("bsa_preview");
    preview.textContent = "";
    let height, weight;
    try {
      height = decimal("height_cm", text("height"));
      weight = decimal("weight_kg", text("weight"));
    } catch (error) {
      return;
    }
    if (!height || !weight || $("bsa_m2").value.trim() !== "") return;
    const formula = $("bsa_formula").value;
    const bsa = formula === "dubois"
      ? 0.007184 * Math.pow(height, 0.725) * Math.pow(weight, 0.425)
      : Math.sqrt((height * weight) / 3600);
    const rounded = (Math.floor(bsa * 100 + 0.5 + 1e-9) / 100).toFixed(2);
    preview.textContent = fill(text("bsa_preview"), {
      formula: text(formula),
      bsa: rounded.replace(".", strings.decimal),
    });
  }

  function yesNo(id) {
    const value = $(id).value;
    return value === "" ? null : value === "yes";
  }

  function lab(name, label) {
    const value = decimal(name + "_value", label);
    if (value === null) return null;
    const unit = $(name + "_unit").value;
    const result = { value: value, unit: unit };
    if (unit !== "xULN") {
      const uln = decimal(name + "_uln", label + " " + text("uln"));
      if (uln === null) throw new Problem(fill(text("needed"), { field: label + " " + text("uln") }));
      result.uln = uln;
    }
    return result;
  }

  // The request: only the fields shown and filled, as the `plan` contract names them.
  function collect() {
    const data = {};
    const put = (name, value) => {
      if (value !== null && value !== undefined) data[name] = value;
    };
    const bsa = decimal("bsa_m2", text("bsa"));
    if (bsa !== null) {
      put("bsa_m2", bsa);
    } else {
      put("height_cm", decimal("height_cm", text("height")));
      put("weight_kg", decimal("weight_kg", text("weight")));
      if ($("bsa_formula").value !== "mosteller") put("bsa_formula", $("bsa_formula").value);
    }
    if (data.bsa_m2 === undefined && (data.height_cm === undefined || data.weight_kg === undefined)) {
      throw new Problem(fill(text("needed"), { field: text("body") }));
    }
    const number = whole("cycle", text("cycle"));
    if (number === null) throw new Problem(fill(text("needed"), { field: text("cycle") }));
    put("cycle", number);
    put("day", Number($("day").value));
    for (const id of QUANTITIES.slice(3)) {
      if (shown($(id))) put(id, decimal(id, text(id)));
    }
    if (shown($("response"))) put("response", $("response").value || null);
    put("hsct_planned", yesNo("hsct_planned"));
    if (shown($("mrd_negative"))) put("mrd_negative", yesNo("mrd_negative"));
    for (const name of LABS) {
      if (shown($(name + "_value"))) put(name, lab(name, name === "bilirubin" ? text("bilirubin") : name.toUpperCase()));
    }
    put("interruption_days", whole("interruption_days", text("interruption")));
    if (shown($("dose_level")) && $("dose_level").value !== "") {
      put("dose_level", Number($("dose_level").value));
    }
    if (shown($("age_years"))) put("age_years", decimal("age_years", text("age")));
    const sex = SEX[$("sex").value];
    if (sex) Object.assign(data, sex);
    if (shown($("last_dose_date"))) put("last_dose_date", $("last_dose_date").value || null);
    return data;
  }

  function send(event) {
    event.preventDefault();
    const problem = $("problem");
    problem.textContent = "";
    let payload;
    try {
      payload = JSON.stringify(collect());
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      problem.textContent = error.message;
      return;
    }
    if (new TextEncoder().encode(payload).length > MAX_BYTES || !webApp) return;
    webApp.sendData(payload); // Telegram closes the page and posts the data to the chat
  }

  // Telegram's colours: every themeParams entry as --tg-theme-<name> (form.css uses them).
  function applyTheme() {
    const theme = (webApp && webApp.themeParams) || {};
    for (const [name, value] of Object.entries(theme)) {
      document.documentElement.style.setProperty("--tg-theme-" + name.replace(/_/g, "-"), value);
    }
  }

  function applyStrings() {
    document.documentElement.lang = strings.lang;
    document.documentElement.dir = strings.dir;
    document.title = text("title");
    strings.texts.times_uln = "× " + text("uln");
    for (const element of document.querySelectorAll("[data-text]")) {
      element.textContent = fill(text(element.dataset.text), { day: element.dataset.day });
    }
    // Site ULNs (BOT_ULN_*), given in the address as "21 µmol/L": a default beside the unit.
    for (const name of LABS) {
      const given = params.get("uln_" + name);
      const match = given && /^([0-9]+(?:\.[0-9]+)?) (.+)$/.exec(given);
      if (!match) continue;
      const unit = [...$(name + "_unit").options].find(
        (option) => option.textContent === match[2] || option.value === match[2]
      );
      if (unit) {
        $(name + "_unit").value = unit.value;
        $(name + "_uln").value = match[1].replace(".", strings.decimal);
      }
    }
  }

  async function start() {
    const lang = /^[a-z]{2}$/.test(params.get("lang") || "") ? params.get("lang") : "en";
    try {
      const answer = await fetch("strings/" + lang + ".json");
      strings = await answer.json();
    } catch (error) {
      const answer = await fetch("strings/en.json");
      strings = await answer.json();
    }
    applyStrings();
    applyTheme();
    const form = $("form");
    form.addEventListener("input", () => {
      showApplicable();
      previewBsa();
    });
    form.addEventListener("change", () => {
      showApplicable();
      previewBsa();
    });
    form.addEventListener("submit", send);
    showApplicable();
    form.hidden = false;
    document.body.dataset.ready = "true";
    if (webApp) {
      webApp.ready();
      webApp.expand();
    }
  }

  start();
})();
