// Starts GOV.UK Frontend and MOJ Frontend components. Pages work without it.
import { initAll as initGovuk } from "../build/govuk-frontend.min.js";
import { initAll as initMoj } from "../build/moj-frontend.min.js";

initGovuk();
initMoj();
