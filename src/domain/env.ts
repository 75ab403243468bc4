/** Environment variables as awsrole reads them (deps.env): unset reads as undefined. */
export type Env = Readonly<Record<string, string | undefined>>;
