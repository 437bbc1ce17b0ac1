// What Alexa's kind of utterance matcher (the npm package virtual-alexa) hears in each phrase, over one of our
// interaction models: reads {"model": path, "phrases": [...]} on stdin and prints [{phrase, intent, slots}].
// The skill it talks to is this file's own `handler`, which only says back the intent and slots it was sent.
"use strict";

exports.handler = async (event) => {
  const request = event.request || {};
  const slots = request.type === "IntentRequest" ? request.intent.slots || {} : {};
  const heard = {
    intent: request.type === "IntentRequest" ? request.intent.name : request.type,
    slots: Object.fromEntries(Object.entries(slots).filter(([, slot]) => slot.value).map(([name, slot]) => [name, slot.value])),
  };
  return { version: "1.0", response: { outputSpeech: { type: "PlainText", text: JSON.stringify(heard) }, shouldEndSession: false } };
};

if (require.main === module) {
  const { VirtualAlexa } = require("virtual-alexa");
  let input = "";
  process.stdin.on("data", (chunk) => (input += chunk));
  process.stdin.on("end", async () => {
    const { model, phrases } = JSON.parse(input);
    const alexa = VirtualAlexa.Builder().handler(`${__filename.replace(/\.js$/, "")}.handler`).interactionModelFile(model).create();
    await alexa.launch();
    const heard = [];
    for (const phrase of phrases) {
      const reply = await alexa.utter(phrase);
      heard.push({ phrase, ...JSON.parse(reply.response.outputSpeech.text) });
    }
    process.stdout.write(JSON.stringify(heard));
  });
}
