// Act pages: light up every piece of text of a fact, list the facts under a piece that states
// several, and tie the text to the list of facts beside it. No inline scripts (CSP: script-src 'self').
(function () {
  "use strict";

  function factsOf(piece) {
    return (piece.dataset.facts || "").split(" ").filter(Boolean);
  }

  function light(text, list, ids, on) {
    ids.forEach(function (id) {
      text.querySelectorAll('a.fact[data-facts~="' + id + '"]').forEach(function (a) {
        a.classList.toggle("lit", on);
      });
      var item = list && list.querySelector('[data-fact="' + id + '"]');
      if (item) item.classList.toggle("lit", on);
    });
  }

  function closeMenu() {
    var open = document.querySelector(".fact-menu");
    if (open) open.remove();
  }

  function showMenu(piece, list) {
    closeMenu();
    var menu = document.createElement("div");
    menu.className = "fact-menu";
    menu.setAttribute("role", "menu");
    var ul = document.createElement("ul");
    factsOf(piece).forEach(function (id) {
      var source = list && list.querySelector('[data-fact="' + id + '"] a');
      if (!source) return;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = source.getAttribute("href");
      a.textContent = source.textContent;
      a.setAttribute("role", "menuitem");
      li.appendChild(a);
      ul.appendChild(li);
    });
    menu.appendChild(ul);
    var box = piece.getBoundingClientRect();
    menu.style.left = window.scrollX + box.left + "px";
    menu.style.top = window.scrollY + box.bottom + 4 + "px";
    document.body.appendChild(menu);
  }

  function actPage(text) {
    var list = document.querySelector(".fact-list");
    text.addEventListener("mouseover", function (event) {
      var piece = event.target.closest("a.fact");
      if (piece) light(text, list, [piece.dataset.primary], true);
    });
    text.addEventListener("mouseout", function (event) {
      var piece = event.target.closest("a.fact");
      if (piece) light(text, list, [piece.dataset.primary], false);
    });
    text.addEventListener("click", function (event) {
      var piece = event.target.closest("a.fact.multi");
      if (!piece) return;
      event.preventDefault();
      showMenu(piece, list);
    });
    if (list) {
      list.addEventListener("mouseover", function (event) {
        var item = event.target.closest("[data-fact]");
        if (item) light(text, null, [item.dataset.fact], true);
      });
      list.addEventListener("mouseout", function (event) {
        var item = event.target.closest("[data-fact]");
        if (item) light(text, null, [item.dataset.fact], false);
      });
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeMenu();
    });
    document.addEventListener("click", function (event) {
      if (!event.target.closest(".fact-menu") && !event.target.closest("a.fact.multi")) closeMenu();
    });
  }

  function ready() {
    var text = document.getElementById("act-text");
    if (text) actPage(text);
    document.documentElement.dataset.pagesReady = "1";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
