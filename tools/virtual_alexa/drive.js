#!/usr/bin/env node
// Play scripted conversations against a running Our Rituals web service through the npm package
// `virtual-alexa` (an utterance matcher closer to Alexa's than the skill's own dialog), and print what
// a couple would hear: plain text per line, the voice that speaks it, the reprompt, and whether the
// microphone stays open. A manual exploration tool, not part of the test suite.
//
//   OUR_RITUALS_DB=/tmp/try.db our-rituals serve --no-verify --port 5093 &
//   cd /tmp/va && npm install virtual-alexa
//   NODE_PATH=/tmp/va/node_modules node tools/virtual_alexa/drive.js tools/virtual_alexa/scenarios.json [name...]
//
// A scenario file maps a name to a list of steps, one household per scenario:
//   "launch" | "end" (the session ends: no answer in time) | "utter: words" |
//   {"intend": "IntentName", "slots": {...}} | {"later": hours} (the clock moves on; the session ends) |
//   {"locale": "en-GB"} (first step only) | "offscript" (stray phrases: "thank you", "okay", "an eight", ...).
"use strict";
const fs = require("fs");
const path = require("path");
const { VirtualAlexa } = require("virtual-alexa");

const url = process.env.SKILL_URL || "http://127.0.0.1:5093/alexa";
const models = process.env.MODELS_DIR || path.join(__dirname, "..", "..", "interaction_models");

function heard(ssml) {
  // "[voice] text" per voice run; breaks and audio shown briefly so pacing stays visible.
  if (!ssml) return "(silence)";
  const out = [];
  let voice = "Alexa";
  const stack = [];
  const re = /<(\/?)([a-zA-Z:]+)([^>]*?)(\/?)>|([^<]+)/g;
  let m;
  let buf = "";
  const flush = () => { const t = buf.replace(/\s+/g, " ").trim(); if (t) out.push(`  [${voice}] ${t}`); buf = ""; };
  while ((m = re.exec(ssml))) {
    if (m[5]) { buf += m[5]; continue; }
    const [, close, tag, attrs, self] = m;
    if (tag === "voice" && !close) { flush(); stack.push(voice); voice = /name="([^"]+)"/.exec(attrs)[1]; }
    else if (tag === "voice" && close) { flush(); voice = stack.pop(); }
    else if (tag === "break") { const t = /time="([^"]+)"/.exec(attrs); if (t && parseFloat(t[1]) >= 2) buf += ` (…${t[1]}…) `; }
    else if (tag === "audio") buf += " (♪) ";
  }
  flush();
  return out.join("\n");
}

function spoken(r) {
  // outputSpeech, or the same speech said over a sound bed (an APL for audio directive, skill/alexa/sound_bed.py).
  const bed = (r.directives || []).find((d) => d.type === "Alexa.Presentation.APLA.RenderDocument");
  return bed ? ((bed.datasources || {}).bed || {}).ssml || "" : (r.outputSpeech || {}).ssml || "";
}

function playSeconds(response) {
  // Roughly how long the answer plays (words, pauses, sounds), so the clock moves on as at a real Echo.
  const ssml = spoken((response || {}).response || {});
  let seconds = ssml.replace(/<[^>]+>/g, " ").split(/\s+/).filter(Boolean).length / 2.5;
  for (const m of ssml.matchAll(/<break time="([\d.]+)(ms|s)"/g)) seconds += parseFloat(m[1]) / (m[2] === "ms" ? 1000 : 1);
  seconds += (ssml.match(/<audio /g) || []).length * 2;
  return seconds + 3;
}

function describe(step, response) {
  if (!response) return `> ${step}\n  (no response)`;
  const r = response.response || {};
  const lines = [`> ${step}`, heard(spoken(r))];
  const reprompt = ((r.reprompt || {}).outputSpeech || {}).ssml;
  if (reprompt) lines.push("  reprompt:\n" + heard(reprompt).replace(/^/gm, "  "));
  lines.push(r.shouldEndSession === true ? "  [session ends]" : r.shouldEndSession === false ? "  [mic open]" : "  [shouldEndSession unset]");
  if (r.directives && r.directives.length) lines.push("  directives: " + r.directives.map((d) => d.type).join(", "));
  return lines.join("\n");
}

// "offscript": the stray phrases a couple says while a ritual waits, as real Alexa might route them.
const OFFSCRIPT = ["utter: thank you", "utter: okay", "utter: an eight", "utter: I'm tired", "utter: goodnight",
  { intend: "MyNameIntent", slots: { own: "Sam" } }, "utter: what", "utter: hmm", { intend: "RatingIntent", slots: { rating: "?" } }];

async function play(name, steps) {
  steps = steps.flatMap((step) => (step === "offscript" ? OFFSCRIPT : [step]));
  let locale = "en-US";
  if (steps.length && steps[0].locale) locale = steps.shift().locale;
  const alexa = VirtualAlexa.Builder().skillURL(url).interactionModelFile(path.join(models, `${locale}.json`)).locale(locale).create();
  let offsetMs = 0;
  let sent = "";
  alexa.filter((request) => {
    request.request.timestamp = new Date(Date.now() + offsetMs).toISOString().substring(0, 19) + "Z";
    const intent = request.request.intent;
    sent = intent ? `${intent.name}${Object.values(intent.slots || {}).filter((s) => s.value !== undefined).map((s) => ` ${s.name}=${JSON.stringify(s.value)}`).join("")}` : request.request.type;
  });
  console.log(`\n===== ${name} (${locale}) =====`);
  for (const step of steps) {
    let response;
    let label;
    try {
      if (step === "launch") { label = "launch"; if (alexa.context().activeSession()) alexa.context().endSession(); response = await alexa.launch(); }
      else if (step === "end") { label = "(session times out)"; if (alexa.context().activeSession()) response = await alexa.endSession(1 /* EXCEEDED_MAX_REPROMPTS */); else continue; }
      else if (typeof step === "string" && step.startsWith("utter:")) { label = `"${step.slice(6).trim()}"`; const words = step.slice(6).trim();
        try { response = await alexa.utter(words); label += ` -> ${sent}`; }
        catch (e) { label += " -> (no sample matches: sent as AMAZON.FallbackIntent)"; response = await alexa.intend("AMAZON.FallbackIntent"); } }
      else if (typeof step === "string" && step.startsWith("oneshot:")) { label = `(new session) "${step.slice(8).trim()}"`; if (alexa.context().activeSession()) alexa.context().endSession();
        try { response = await alexa.utter(step.slice(8).trim()); label += ` -> ${sent}`; }
        catch (e) { label += " -> (no sample matches: sent as AMAZON.FallbackIntent)"; response = await alexa.intend("AMAZON.FallbackIntent"); } }
      else if (step.intend) { label = `${step.oneshot ? "(new session) " : ""}${step.intend} ${JSON.stringify(step.slots || {})}`; if (step.oneshot && alexa.context().activeSession()) alexa.context().endSession(); response = await alexa.intend(step.intend, step.slots || {}); }
      else if (step.later !== undefined) { offsetMs += step.later * 3600e3; if (alexa.context().activeSession()) alexa.context().endSession(); console.log(`\n  … ${step.later} h later …`); continue; }
      else { console.log("  ?? unknown step", JSON.stringify(step)); continue; }
      console.log(describe(label, response));
      offsetMs += playSeconds(response) * 1000;
    } catch (error) {
      console.log(`> ${label}\n  !! ${error.message || error}`);
    }
  }
}

async function main() {
  const [file, ...only] = process.argv.slice(2);
  if (!file) { console.error("usage: drive.js scenarios.json [name...]"); process.exit(2); }
  const scenarios = JSON.parse(fs.readFileSync(file, "utf8"));
  for (const [name, steps] of Object.entries(scenarios)) {
    if (only.length && !only.includes(name)) continue;
    await play(name, steps.slice());
  }
}
main();
