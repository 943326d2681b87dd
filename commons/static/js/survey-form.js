// Skip logic of a survey's questionnaire, in the browser: a question whose `relevant`
// is false for the answers before it is hidden (the server drops its answer anyway, so
// the page works without this script). The expressions come from the server as trees
// (commons/surveys/expressions.py), evaluated here with the same rules as there.
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  var data = document.getElementById("survey-logic");
  if (!form || !data) return;
  var questions = JSON.parse(data.textContent);

  function answer(question) {
    var field = form.elements.namedItem(question.name);
    if (!field) return null;
    if (question.type === "select_multiple") {
      var chosen = Array.prototype.filter
        .call(form.querySelectorAll('input[name="' + question.name + '"]'), function (box) {
          return box.checked;
        })
        .map(function (box) { return box.value; });
      return chosen.length ? chosen : null;
    }
    var value = field.value === undefined ? "" : String(field.value).trim();
    if (value === "") return null;
    if (question.type === "integer" || question.type === "decimal") {
      var number = Number(value);
      return isNaN(number) ? value : number;
    }
    return value;
  }

  function number(value) {
    if (typeof value === "number") return value;
    if (value === null || Array.isArray(value) || typeof value === "boolean") return NaN;
    var text = String(value).trim();
    return text === "" ? NaN : Number(text);
  }

  function text(value) {
    if (value === null || value === undefined) return "";
    if (Array.isArray(value)) return value.join(" ");
    return String(value);
  }

  function compare(operator, left, right) {
    var a = left, b = right;
    if (typeof left === "number" || typeof right === "number") {
      a = number(left); b = number(right);
      if (isNaN(a) || isNaN(b)) return operator === "!=";
    } else {
      a = text(left); b = text(right);
    }
    switch (operator) {
      case "=": return a === b;
      case "!=": return a !== b;
      case "<": return a < b;
      case "<=": return a <= b;
      case ">": return a > b;
      case ">=": return a >= b;
    }
    return false;
  }

  function selected(value, choice) {
    if (value === null || value === undefined) return false;
    var items = Array.isArray(value) ? value.map(String) : String(value).split(/\s+/);
    return items.indexOf(String(choice)) !== -1;
  }

  function evaluate(node, answers, itself) {
    switch (node[0]) {
      case "or": return evaluate(node[1], answers, itself) || evaluate(node[2], answers, itself);
      case "and": return evaluate(node[1], answers, itself) && evaluate(node[2], answers, itself);
      case "not": return !evaluate(node[1], answers, itself);
      case "selected": return selected(evaluate(node[1], answers, itself), evaluate(node[2], answers, itself));
      case "compare": return compare(node[1], evaluate(node[2], answers, itself), evaluate(node[3], answers, itself));
      case "answer": return Object.prototype.hasOwnProperty.call(answers, node[1]) ? answers[node[1]] : null;
      case "itself": return itself;
      default: return node[1];
    }
  }

  function update() {
    var answers = {};
    questions.forEach(function (question) {
      var block = form.querySelector('[data-question="' + question.name + '"]');
      var relevant = !question.relevant || Boolean(evaluate(question.relevant, answers, null));
      if (block) block.hidden = !relevant;
      if (relevant) {
        var value = answer(question);
        if (value !== null) answers[question.name] = value;
      }
    });
    form.querySelectorAll("fieldset[data-group]").forEach(function (group) {
      var inside = group.querySelectorAll("[data-question]");
      group.hidden = inside.length > 0 && Array.prototype.every.call(inside, function (item) {
        return item.hidden;
      });
    });
  }

  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
