// Suggestions while typing in an input with data-suggest: its URL answers ?q= with JSON
// [{label}], shown in the input's datalist. The form works the same without this script.
"use strict";
for (const input of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const typed = input.value.trim();
      if (typed.length < 2 || typed === asked || typed.startsWith("#")) return;
      asked = typed;
      const url = `${input.dataset.suggest}?q=${encodeURIComponent(typed)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || input.value.trim() !== typed) return;
      const options = (await response.json()).map((found) => {
        const option = document.createElement("option");
        option.value = found.label;
        return option;
      });
      list.replaceChildren(...options);
    }, 150);
  });
}
