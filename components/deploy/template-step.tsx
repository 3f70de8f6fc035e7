import { Card } from "@/components/ui/card";
import { type DeployTemplate, deployTemplates } from "@/lib/market/templates";

// Step 1: a starting point (web server, notebook, LLM, database, web + database, blank); choosing one replaces the
// draft and resets the terms to the template's.

export function TemplateStep(props: {
  selected: DeployTemplate["id"];
  onChoose: (t: DeployTemplate) => void;
}) {
  return (
    <Card title="1. Start from a template">
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        {deployTemplates.map((t) => (
          <button
            key={t.id}
            type="button"
            aria-pressed={props.selected === t.id}
            data-testid={`template-${t.id}`}
            onClick={() => props.onChoose(t)}
            className={`rounded-lg border p-3 text-left text-sm transition-colors ${
              props.selected === t.id
                ? "border-brand-600 bg-brand-50 dark:bg-brand-600/10"
                : "border-zinc-200 hover:border-zinc-400 dark:border-zinc-800 dark:hover:border-zinc-600"
            }`}
          >
            <span className="block font-medium">{t.title}</span>
            <span className="mt-1 block text-xs text-zinc-600 dark:text-zinc-400">{t.description}</span>
          </button>
        ))}
      </div>
    </Card>
  );
}
