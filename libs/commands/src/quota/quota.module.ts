import { Module } from '@nestjs/common';
import { QuotaGate } from './quota-gate.js';

/** The conversation quotas, for the handlers that send messages. The event store comes from the global StoresModule. */
@Module({ providers: [QuotaGate], exports: [QuotaGate] })
export class QuotaModule {}
