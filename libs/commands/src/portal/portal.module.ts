import { Module } from '@nestjs/common';
import { ChangeMonthlyLimitHandler } from './change-monthly-limit.handler.js';
import { ChangeReadReceiptsToContactsHandler } from './change-read-receipts.handler.js';
import { RegisterPortalHandler } from './register-portal.handler.js';
import { ResumePortalHandler, SuspendPortalHandler } from './suspend-portal.handler.js';

/**
 * Portal (tenant) registration, suspension and its monthly conversation limit. The event store comes from
 * the global StoresModule; the clock is provided here until the app provides one for all.
 */
@Module({
  providers: [
    RegisterPortalHandler,
    ChangeMonthlyLimitHandler,
    ChangeReadReceiptsToContactsHandler,
    SuspendPortalHandler,
    ResumePortalHandler,
  ],
})
export class PortalModule {}
