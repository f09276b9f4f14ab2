/**
 * Signing secrets are only in a webhook's create response (SPEC §4), so the extension keeps the
 * ones it saw: in VS Code's SecretStorage when the emulator keeps data on disk, else in memory.
 * Keyed by data dir so two emulators' webhook ids never mix.
 */
import type * as vscode from 'vscode';

export class SigningSecrets {
  private readonly known = new Map<number, string>();
  private scope = 'memory';

  constructor(private readonly storage: vscode.SecretStorage | undefined) {}

  /** Switches to the emulator now running; loads its persisted secrets. */
  async useScope(dataDir: string | null, webhookIds: number[]): Promise<void> {
    this.known.clear();
    this.scope = dataDir ?? 'memory';
    if (!dataDir || !this.storage) return;
    for (const id of webhookIds) {
      const s = await this.storage.get(this.key(id));
      if (s) this.known.set(id, s);
    }
  }

  private key(id: number): string {
    return `mailtrapEmulator.secret:${this.scope}#${id}`;
  }

  has(id: number): boolean {
    return this.known.has(id);
  }
  get(id: number): string | undefined {
    return this.known.get(id);
  }
  async set(id: number, secret: string): Promise<void> {
    this.known.set(id, secret);
    if (this.scope !== 'memory') await this.storage?.store(this.key(id), secret);
  }
  async delete(id: number): Promise<void> {
    this.known.delete(id);
    if (this.scope !== 'memory') await this.storage?.delete(this.key(id));
  }
}
