import type { ScreenProps } from '../types.ts';

export function AuditScreen(_props: ScreenProps) {
  return (
    <div className="screen">
      <header className="screen-header">
        <h1>Audit log</h1>
      </header>
    </div>
  );
}
