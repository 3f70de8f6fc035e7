import { STEPS } from "./onboard-wizard.types";

export function StepIndicator({ step }: { step: number }) {
  const pct = Math.round(((step - 1) / (STEPS.length - 1)) * 100);
  return (
    <nav aria-label="Onboarding progress" className="space-y-2">
      <div
        className="h-1.5 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-label={`Step ${step} of ${STEPS.length}`}
      >
        <div className="h-full bg-brand-600 transition-all" style={{ width: `${pct}%` }} />
      </div>
      <ol className="grid grid-cols-9 gap-1 text-center text-xs">
        {STEPS.map((label, i) => {
          const n = i + 1;
          const state = n < step ? "done" : n === step ? "current" : "todo";
          return (
            <li
              key={label}
              aria-current={state === "current" ? "step" : undefined}
              data-testid={`wizard-step-${n}`}
              data-state={state}
              className={
                state === "current"
                  ? "font-semibold text-brand-700 dark:text-brand-400"
                  : state === "done"
                    ? "text-zinc-700 dark:text-zinc-300"
                    : "text-zinc-600 dark:text-zinc-400"
              }
            >
              <span
                className={`mx-auto mb-1 grid h-6 w-6 place-items-center rounded-full text-[11px] ${
                  state === "done"
                    ? "bg-brand-600 text-white"
                    : state === "current"
                      ? "border-2 border-brand-600"
                      : "border border-zinc-300 dark:border-zinc-700"
                }`}
              >
                {state === "done" ? "✓" : n}
              </span>
              <span className="hidden sm:inline">{label}</span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
