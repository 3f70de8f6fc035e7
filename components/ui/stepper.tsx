export type StepState = "todo" | "active" | "done" | "error" | "skipped";

export function Stepper(props: {
  steps: { id: string; label: string; state: StepState; detail?: string }[];
  testId?: string;
}) {
  return (
    <ol data-testid={props.testId} className="flex flex-wrap items-start gap-x-2 gap-y-3">
      {props.steps.map((step, i) => (
        <li
          key={step.id}
          data-testid={`step-${step.id}`}
          data-state={step.state}
          className="flex items-start gap-2"
        >
          <span
            className={`grid h-6 w-6 shrink-0 place-items-center rounded-full text-xs font-semibold ${
              step.state === "done"
                ? "bg-emerald-700 text-white"
                : step.state === "active"
                  ? "animate-pulse bg-brand-600 text-white motion-reduce:animate-none"
                  : step.state === "error"
                    ? "bg-red-600 text-white"
                    : "bg-zinc-200 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400"
            }`}
          >
            {step.state === "done"
              ? "✓"
              : step.state === "error"
                ? "!"
                : step.state === "skipped"
                  ? "–"
                  : i + 1}
          </span>
          <span className="text-sm">
            <span
              className={
                step.state === "todo" || step.state === "skipped"
                  ? "text-zinc-600 dark:text-zinc-400"
                  : "font-medium"
              }
            >
              {step.label}
            </span>
            {step.detail && (
              <span className="block text-xs text-zinc-600 dark:text-zinc-400">{step.detail}</span>
            )}
          </span>
          {i < props.steps.length - 1 && (
            <span aria-hidden className="mx-1 mt-3 h-px w-6 bg-zinc-300 dark:bg-zinc-700" />
          )}
        </li>
      ))}
    </ol>
  );
}
