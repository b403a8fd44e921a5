// Which backends work in an engine process here, and why each better one does not.
import { probeBackends } from '../backends';
import type { EngineJob } from './job';

export const probe: EngineJob<'probe'> = ({ purpose }) => probeBackends(purpose);
