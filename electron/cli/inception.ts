import { importInception, INCEPTION_FILE_NAME } from '../services/quality/inception-import';
import { AppError } from '../../shared/errors';
import type { Command } from './command';
import { print } from './output';
import { parseOptions } from './options';

export const inception: Command = {
  name: 'inception',
  usage: '<FILE.pth>',
  summary: `imports the Inception weights true FID and KID are defined on (${INCEPTION_FILE_NAME}), once for every project; read as data, every tensor checked`,
  async run(args, out) {
    const { positionals } = parseOptions(args, []);
    if (positionals.length !== 1) throw new AppError('invalid_request', `usage: leporello inception ${this.usage}`);
    const r = await importInception(positionals[0]!);
    print(
      out,
      r,
      `${positionals[0]}: ${r.tensors} tensors of FID's Inception network, checked and kept in ${r.dir}; 'leporello metrics' now also measures FID and KID (Inception)`,
    );
  },
};
