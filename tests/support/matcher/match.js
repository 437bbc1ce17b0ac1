#!/usr/bin/env node
// Reads {"model": path, "phrases": [...]} on stdin; prints, for each phrase, the intent, sample and slots
// virtual-alexa's utterance matcher gives it ({"intent": null} when no sample matches: Alexa's fallback).
"use strict";
const { VirtualAlexa } = require("virtual-alexa");
const { Utterance } = require("virtual-core");

let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { model, locale, phrases } = JSON.parse(input);
  const alexa = VirtualAlexa.Builder().handler(() => undefined).interactionModelFile(model).locale(locale).create();
  const interactionModel = alexa.context().interactionModel();
  const out = phrases.map((phrase) => {
    const utterance = new Utterance(interactionModel, phrase);
    if (!utterance.matched()) return { phrase, intent: null };
    return { phrase, intent: utterance.intent(), sample: utterance.matchedSample.phrase, slots: utterance.toJSON() };
  });
  process.stdout.write(JSON.stringify(out));
});
