// The sandbox chat: pick a person, then talk to the bot through the fake Telegram server.
"use strict";

let current = null;   // the id of the person being played
let version = -1;     // the chat version last drawn
let polling = 0;      // increases on every switch, so an old poll loop stops
let replyTo = null;   // the message the next one answers (Telegram's "reply")

const $ = (id) => document.getElementById(id);

function showError(text) { $("error").textContent = text || ""; }

function setReply(message) {
  replyTo = message ? message.id : null;
  $("replying").hidden = !message;
  $("replying-to").textContent = message ? message.text.slice(0, 80) : "";
}

async function post(url, fields) {
  const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
  const response = await fetch(url, { method: "POST", body });
  if (!response.ok) { showError(await response.text()); return null; }
  showError("");
  return response.json();
}

async function loadPeople() {
  const response = await fetch("/sandbox/people");
  const { people } = await response.json();
  const list = $("people");
  list.replaceChildren();
  for (const person of people) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.id = person.id;
    button.append(person.name + " ");
    const kind = document.createElement("small");
    kind.textContent = person.kind;
    button.append(kind);
    if (person.id === current) button.classList.add("current");
    button.addEventListener("click", () => choose(person));
    item.append(button);
    list.append(item);
  }
}

let shownKind = null;  // the role the title shows, to notice a newcomer becoming a client

function showPerson(person) {
  $("chat-title").textContent = "You are " + person.name + " (" + person.kind + ")";
  if (shownKind !== null && shownKind !== person.kind) loadPeople();
  shownKind = person.kind;
}

function choose(person) {
  shownKind = null;
  current = person.id;
  version = -1;
  setReply(null);
  polling += 1;
  showPerson(person);
  $("composer").hidden = false;
  $("card-sharing").hidden = false;
  $("messages").replaceChildren();
  $("keyboard").replaceChildren();
  for (const button of document.querySelectorAll("#people button")) {
    button.classList.toggle("current", Number(button.dataset.id) === current);
  }
  poll(polling);
  $("text").focus();
}

function press(text) { return post(`/sandbox/chats/${current}/press`, { text }); }

function draw(chat) {
  if (chat.person) showPerson(chat.person);
  const list = $("messages");
  list.replaceChildren();
  for (const message of chat.messages) {
    const item = document.createElement("li");
    item.className = message.from_bot ? "bot" : "user";
    if (message.reply_to) {
      const quoted = chat.messages.find((other) => other.id === message.reply_to);
      const quote = document.createElement("span");
      quote.className = "quote";
      quote.textContent = quoted ? quoted.text.slice(0, 80) : "…";
      item.append(quote);
    }
    // Always as text: what the bot sent is shown the way Telegram shows it, never as markup.
    let body = message.text;
    if (message.contact) body = "📱 " + message.contact.phone_number;
    if (message.photo) body = "🖼 photo" + (message.text ? "\n" + message.text : "");
    if (message.document) body = "📄 " + message.document + (message.text ? "\n" + message.text : "");
    item.append(body);
    if (message.from_bot) {
      const reply = document.createElement("button");
      reply.type = "button";
      reply.className = "reply";
      reply.textContent = "↩ Reply";
      reply.addEventListener("click", () => { setReply(message); $("text").focus(); });
      item.append(reply);
    }
    if (message.buttons.length) {
      const row = document.createElement("div");
      row.className = "inline";
      for (const line of message.buttons) {
        for (const text of line) {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = text;
          button.addEventListener("click", () => press(text));
          row.append(button);
        }
      }
      item.append(row);
    }
    list.append(item);
  }
  list.scrollTop = list.scrollHeight;
  const keyboard = $("keyboard");
  keyboard.replaceChildren();
  for (const line of chat.keyboard) {
    const row = document.createElement("div");
    for (const key of line) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = key.text;
      button.addEventListener("click", () => press(key.text));
      row.append(button);
    }
    keyboard.append(row);
  }
}

async function poll(generation) {
  while (generation === polling) {
    try {
      const response = await fetch(`/sandbox/chats/${current}?version=${version}`);
      if (generation !== polling) return;
      if (!response.ok) { showError(await response.text()); return; }
      const chat = await response.json();
      version = chat.version;
      draw(chat);
    } catch (error) {
      showError("The sandbox is not answering; retrying…");
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("text").value;
  const file = $("file").files[0];
  if (current === null || (!text.trim() && !file)) return;
  let sent;
  if (file) {
    const form = new FormData();
    form.append("text", text);
    form.append("file", file);
    if (replyTo !== null) form.append("reply_to", replyTo);
    sent = await post(`/sandbox/chats/${current}/files`, form);
  } else {
    const fields = { text };
    if (replyTo !== null) fields.reply_to = replyTo;
    sent = await post(`/sandbox/chats/${current}/messages`, fields);
  }
  if (sent) { $("text").value = ""; $("file").value = ""; setReply(null); }
});

$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("reply-cancel").addEventListener("click", () => setReply(null));

$("card").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (current === null) return;
  const shared = await post(`/sandbox/chats/${current}/cards`, new FormData(event.target));
  if (shared) event.target.reset();
});

$("newcomer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const person = await post("/sandbox/people", new FormData(event.target));
  if (person) { await loadPeople(); choose(person); }
});

loadPeople();
