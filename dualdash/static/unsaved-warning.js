/* Leaving a page with unsaved text asks first (an enhancement: the page works without it).
   Applies to every <form data-unsaved-warning>, with its fields wherever they are on the page
   (form="…"). Any field changed since the page was loaded counts; submitting the form does not ask. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-unsaved-warning]");
  if (!forms.length) {
    return;
  }
  var submitting = false;

  function changed(field) {
    if (field.type === "checkbox" || field.type === "radio") {
      return field.checked !== field.defaultChecked;
    }
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].selected !== field.options[i].defaultSelected) {
          return true;
        }
      }
      return false;
    }
    if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
      return false;
    }
    return field.value !== field.defaultValue;
  }

  function unsaved() {
    for (var f = 0; f < forms.length; f++) {
      var elements = forms[f].elements;
      for (var i = 0; i < elements.length; i++) {
        if (changed(elements[i])) {
          return true;
        }
      }
    }
    return false;
  }

  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener("submit", function () {
      submitting = true;
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (!submitting && unsaved()) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
      return "";
    }
    return undefined;
  });
}());
