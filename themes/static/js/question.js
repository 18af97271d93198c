// What the learner answered on one question, as the server expects it: an option position, a
// list of positions, true/false, the blanks' texts or the essay text. Shared by the attempt and
// practice pages; each question type's template (templates/quizzes/responses/) draws the inputs.
window.questionResponse = function (question) {
  "use strict";
  const kind = question.dataset.kind;
  const checked = question.querySelector("input:checked");
  if (kind === "single") return checked ? Number(checked.value) : null;
  if (kind === "multiple") return Array.from(question.querySelectorAll("input:checked")).map((i) => Number(i.value));
  if (kind === "truefalse") return checked ? checked.value === "true" : null;
  if (kind === "fill") return Array.from(question.querySelectorAll(".blank")).map((i) => i.value);
  return question.querySelector("textarea").value;
};
