// Starts GOV.UK Frontend and MOJ Frontend components. Pages work without it.
import { createAll, initAll as initGovuk } from "../build/govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMoj } from "../build/moj-frontend.min.js";
import { initReveals } from "./reveal.js";

initGovuk();
initMoj();
// MOJ Frontend's initAll leaves out the filter toggle (data-module="moj-filter").
createAll(FilterToggleButton);
initReveals();
