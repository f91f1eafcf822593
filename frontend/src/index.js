// Clientelitis' page front end: connect to the page's kernel and show its widgets.
//
// Voila's own front end is a JupyterLab application: on a 2-core machine it needs about two seconds
// (dozens of scripts, plugins, federated extensions) before the first widget shows, even for a page with
// a single button. Our pages need far less: the kernel is already running and its notebook executed when
// the page arrives (preheated pool), and every page shows one widget tree built from ipywidgets' controls
// and anywidget. So this is just that: one script that opens the kernel's websocket, asks for every
// widget's state in one message (ipywidgets 8's control comm) and attaches the views in place.
import { anywidgetFactory } from "./define-shim.js";  // first: anywidget's bundle calls define()
import "anywidget";
import "./define-shim-end.js";
import * as base from "@jupyter-widgets/base";
import * as controls from "@jupyter-widgets/controls";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import { KernelConnection, ServerConnection } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";

import "@jupyter-widgets/controls/css/widgets.css";
import "@jupyter-widgets/base/css/index.css";
import "./page.css";
import { accessibility, pageShown } from "./a11y.js";
import { fitStage } from "./fit.js";

// ipywidgets 8.1 writes a label's tooltip as its title even when there is none: every field's label then
// showed "null" on hover. No tooltip, no title.
const updateTooltip = controls.DescriptionView.prototype.updateTooltip;
controls.DescriptionView.prototype.updateTooltip = function () {
  if (this.label && !this.model.get("tooltip")) {
    this.label.removeAttribute("title");
    return;
  }
  updateTooltip.call(this);
};

// A button's accessible name says what it does in context: its tooltip ("Abrir el ejercicio: Limpiar la casa",
// "Subir «Reserva de mesa»") when it has no words of its own (an icon) or when the tooltip begins with them (the
// visible label stays part of the name, WCAG 2.5.3).
const buttonUpdate = controls.ButtonView.prototype.update;
controls.ButtonView.prototype.update = function () {
  const out = buttonUpdate.call(this);
  const tooltip = this.model.get("tooltip");
  const description = this.model.get("description");
  if (tooltip && (!description || tooltip.startsWith(description))) this.el.setAttribute("aria-label", tooltip);
  else this.el.removeAttribute("aria-label");
  return out;
};

const VIEW_MIME = "application/vnd.jupyter.widget-view+json";
const modules = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": controls,
  anywidget: anywidgetFactory(base),
};

class PageManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  async loadClass(className, moduleName) {
    const module = modules[moduleName];
    if (!module || !module[className]) {
      throw new Error(`Class ${className} not found in module ${moduleName}`);
    }
    return module[className];
  }

  async _create_comm(target, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(target, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }

  async show(script) {
    const { model_id: modelId } = JSON.parse(script.textContent);
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    const host = document.createElement("div");
    host.className = "cl-widget-host";
    script.replaceWith(host);
    Widget.attach(view.luminoWidget, host);
    return view;
  }
}

function config() {
  const el = document.getElementById("jupyter-config-data");
  return el ? JSON.parse(el.textContent) : {};
}

// The server accepts a POST whose "_xsrf" field equals the "_xsrf" cookie (Tornado's double-submit check).
// Voila's pages set no such cookie (its own front end's goodbye is refused with a 403 and the kernel waits
// for the culler), so the page sets one for its own path, once, with a random value.
function xsrfToken() {
  const found = document.cookie.match(/(?:^|;\s*)_xsrf=([^;]*)/);
  if (found) {
    return decodeURIComponent(found[1]);
  }
  const token = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
  document.cookie = `_xsrf=${token}; path=/; SameSite=Strict`;
  return token;
}

// The script runs while the kernel is still building the page (it is loaded right after the page's config,
// before the cells), and opens the kernel's websocket meanwhile. It asks for the widgets' states only once
// the page has fully arrived: Voila ends the page when the notebook has run, and a kernel started for this
// very request (no preheated one left) may not have begun running it yet.
function parsed() {
  if (document.readyState !== "loading") {
    return Promise.resolve();
  }
  return new Promise((resolve) => document.addEventListener("DOMContentLoaded", resolve, { once: true }));
}

function pageState(state) {
  document.body.dataset.clState = state;
}

// A confirmation or an error shows next to the control that caused it (a notice under a form's button, a row's
// own status line): when it appears below the screen's edge, the page scrolls just enough to show it. Only for
// what the person's own action caused (the control they used is in the same row or card), never for others'
// changes arriving live, which must not move the page under their finger.
const FEEDBACK = ".cl-notice, .cl-row-status";
function keepFeedbackInView() {
  const seen = new MutationObserver((records) => {
    for (const record of records) {
      const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
      const feedback = node && node.closest(FEEDBACK);
      if (!feedback || !feedback.textContent.trim()) continue;
      const scope = feedback.closest(".cl-row, .cl-card, .cl-rows-row") || feedback.parentElement;
      if (scope && scope.contains(document.activeElement)) {
        feedback.scrollIntoView({ block: "nearest" });
      }
    }
  });
  seen.observe(document.body, { subtree: true, childList: true, characterData: true });
}

async function main() {
  performance.mark("cl-script");  // the script runs
  const { baseUrl = "/", kernelId } = config();
  if (!kernelId) {
    pageState("no-kernel");
    return;
  }
  const serverSettings = ServerConnection.makeSettings({ baseUrl });
  // No comms over kernel subshells (JupyterLab's default with ipykernel 7): standalone Voila refuses the
  // subshell requests, with a warning per page in the server's log.
  const kernel = new KernelConnection({ model: { id: kernelId, name: "python3" }, serverSettings,
                                        commsOverSubshells: "disabled" });
  kernel.connectionStatusChanged.connect((_, status) => {
    document.body.classList.toggle("cl-offline", status !== "connected");
    if (status === "connected" && !performance.getEntriesByName("cl-connected").length) {
      performance.mark("cl-connected");  // the kernel's websocket is open
    }
  });
  // Tell the server when the page goes away, as Voila's front end does: the kernel is shut down at once
  // instead of waiting for the culler.
  window.addEventListener("pagehide", (event) => {
    if (!event.persisted) {
      const form = new FormData();
      form.append("_xsrf", xsrfToken());
      navigator.sendBeacon(`${baseUrl}voila/api/shutdown/${kernelId}`, form);
    }
  });
  const manager = new PageManager(kernel);
  await parsed();
  accessibility();
  await manager._loadFromKernel();
  performance.mark("cl-states");  // every widget's state arrived (marks: see docs/frontend.md)
  const scripts = [...document.querySelectorAll(`script[type="${VIEW_MIME}"]`)];
  await Promise.all(scripts.map((script) => manager.show(script)));
  performance.mark("cl-shown");
  keepFeedbackInView();
  fitStage();
  pageShown();
  pageState("ready");
  document.dispatchEvent(new Event("clientelitis:shown"));
}

main().catch(async (error) => {
  console.error("Clientelitis: the page could not connect to its kernel", error);
  await parsed();
  pageState("failed");
  for (const placeholder of document.querySelectorAll(".cl-starting")) {
    placeholder.textContent = "No se pudo abrir la página: vuelve a cargarla. · The page could not open: reload it.";
  }
});
