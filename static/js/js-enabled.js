// Lets GOV.UK Frontend style components for browsers that will run its modules.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
