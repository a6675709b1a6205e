// Builds static/build/ from the pinned npm packages: one compiled stylesheet
// and the vendor scripts the templates load. Run by `make assets`.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "static", "build");
const modules = join(root, "node_modules");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const css = sass.compile(join(root, "frontend", "app.scss"), {
  loadPaths: [root],
  style: "compressed",
  quietDeps: true,
  // Deprecation notices that GOV.UK Frontend raises about MOJ Frontend's own
  // stylesheets are not ours to fix; anything else is still printed.
  logger: {
    warn(message, { span, stack }) {
      if (!(stack ?? span?.url?.href ?? "").includes("node_modules/@ministryofjustice")) {
        console.warn(message);
      }
    },
  },
});
writeFileSync(join(out, "app.css"), css.css);

const copies = {
  "govuk-frontend/dist/govuk/govuk-frontend.min.js": "govuk-frontend.min.js",
  "@ministryofjustice/frontend/moj/moj-frontend.min.js": "moj-frontend.min.js",
  "htmx.org/dist/htmx.min.js": "htmx.min.js",
  "chart.js/dist/chart.umd.min.js": "chart.umd.min.js",
  // The script names its source map; collectstatic's manifest needs the file.
  "chart.js/dist/chart.umd.min.js.map": "chart.umd.min.js.map",
  // The link chart: Cytoscape.js and the fCoSE layout, whose UMD build reads
  // its two layout libraries from globals (loaded before it, in this order).
  "cytoscape/dist/cytoscape.min.js": "cytoscape.min.js",
  "layout-base/layout-base.js": "layout-base.js",
  "cose-base/cose-base.js": "cose-base.js",
  "cytoscape-fcose/cytoscape-fcose.js": "cytoscape-fcose.js",
};
for (const [from, to] of Object.entries(copies)) {
  mkdirSync(dirname(join(out, to)), { recursive: true });
  cpSync(join(modules, from), join(out, to));
}
// Images both stylesheets refer to (the crest among them, though no page shows
// it): every url() in app.css must resolve, or collectstatic's manifest fails.
cpSync(join(modules, "govuk-frontend/dist/govuk/assets/images"), join(out, "assets/images"), {
  recursive: true,
});
cpSync(join(modules, "@ministryofjustice/frontend/moj/assets"), join(out, "assets"), {
  recursive: true,
});
console.log(`static assets built in ${out}`);
